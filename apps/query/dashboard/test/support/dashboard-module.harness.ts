import { join } from 'node:path';
import { runInNewContext } from 'node:vm';

// The dashboard's helpers are browser code (.tsx, its own tsconfig): bundled by esbuild as `npm run build` does and
// run in a context of their own with this process's Intl, Promise and URLSearchParams. Their types are checked by the dashboard's own
// `tsc -p apps/query/dashboard`; the specs that load them check what the page shows.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const esbuild = require('esbuild') as typeof import('esbuild');

/** The exports of `apps/query/dashboard/src/<file>`, bundled with what it imports. */
export function loadDashboardModule<T>(file: string): T {
  const built = esbuild.buildSync({
    entryPoints: [join(__dirname, '..', '..', 'src', file)],
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'neutral',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    logLevel: 'silent',
  });
  const module = { exports: {} as T };
  runInNewContext(built.outputFiles[0].text, { module, exports: module.exports, Intl, Promise, URLSearchParams });
  return module.exports;
}
