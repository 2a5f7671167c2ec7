/** Layer rules checked by the test command (dependency-cruiser 17: the last line that runs on Node 20). */
/** The lib files the CLI imports (relatively): they must keep importing nothing but each other (see cli-stands-alone). */
const SHARED_WITH_CLI = '^libs/platform/src/http/json-(duplicate-keys|exact-numbers)\\.util\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'domain-is-plain-typescript',
      comment: 'libs/domain holds event types, deciders and values only: no framework, database, broker or app code.',
      severity: 'error',
      from: { path: '^libs/domain' },
      to: {
        path: [
          'node_modules/(@nestjs|typeorm|kafkajs|pg|pino|nestjs-pino|express|prom-client|ws)/',
          '^apps/',
          '^libs/(?!domain)',
          '^infra/',
        ],
      },
    },
    {
      name: 'libs-do-not-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'cli-stands-alone',
      comment:
        'bin/newsroom.js runs the compiled CLI without the monorepo path aliases: it talks to the apps over HTTP only. ' +
        'Two files are shared by a relative import, which needs no alias: the JSON duplicate-name and inexact-number ' +
        'checks, which import nothing but each other, so `newsroom ingest` refuses the texts ingest refuses (a copy ' +
        'could drift from them).',
      severity: 'error',
      from: { path: '^apps/cli/src/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^libs/', pathNot: SHARED_WITH_CLI },
    },
    {
      name: 'cli-shared-file-imports-nothing',
      comment: 'The files the CLI shares run in the compiled CLI as they are: no alias, package or other file to resolve.',
      severity: 'error',
      from: { path: SHARED_WITH_CLI },
      to: { path: '^(apps|libs|node_modules)/', pathNot: SHARED_WITH_CLI },
    },
    {
      name: 'apps-do-not-import-each-other',
      comment: "An app's test/ folder (its specs, excluded below, and their test/support harnesses) may wire in another app's parts.",
      severity: 'error',
      from: { path: '^apps/([^/]+)/', pathNot: '^apps/[^/]+/test/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'libs-only-through-their-index',
      comment: 'A lib is used through its public index.ts; nothing reaches into another lib internals.',
      severity: 'error',
      from: { path: '^(apps|libs)/([^/]+)' },
      to: { path: '^libs/([^/]+)/src/.+', pathNot: ['^libs/$2/', '^libs/[^/]+/src/index\\.ts$', SHARED_WITH_CLI] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['\\.spec\\.ts$', '\\.int-spec\\.ts$', '\\.e2e-spec\\.ts$', '^dist/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
