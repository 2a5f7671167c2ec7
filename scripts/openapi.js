// The OpenAPI documents of ingest and query, exported from the compiled apps (openapi/<service>.json), and the
// CLI's typed client generated from them (apps/cli/src/api/generated/, by openapi-typescript). Run by the build
// (scripts/build.js) after tsc; when a document changed, the build compiles again, so an API change the CLI does
// not follow fails the build.
'use strict';
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const SERVICES = ['ingest', 'query'];
const docPath = (service) => path.join(ROOT, 'openapi', `${service}.json`);
const typesPath = (service) => path.join(ROOT, 'apps', 'cli', 'src', 'api', 'generated', `${service}-api.ts`);

function exportDocument(service) {
  const main = path.join(ROOT, 'dist', 'apps', service, 'src', 'main.js');
  const out = docPath(service);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.tmp`;
  fs.rmSync(tmp, { force: true });
  // A clean environment: the document must not depend on this machine's settings (ports, keys, database).
  const env = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    LOG_LEVEL: 'fatal',
    NEWSROOM_API_KEYS: 'openapi-export-placeholder-key:read',
    NEWSROOM_OPENAPI_OUT: tmp,
  };
  const r = spawnSync(
    process.execPath,
    ['-r', path.join(__dirname, 'register-paths.js'), '-r', path.join(__dirname, 'openapi-capture.js'), main],
    { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 },
  );
  if (r.status !== 0 || !fs.existsSync(tmp))
    throw new Error(
      `exporting the ${service} OpenAPI document failed (exit ${r.status}${r.signal ? `, ${r.signal}` : ''}):\n${r.stderr}${r.stdout}`,
    );
  fs.renameSync(tmp, out);
}

const read = (file) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null);
// The generated file's first line names the document it was made from, so a stale one is always regenerated.
const stamp = (service) =>
  `// from openapi/${service}.json sha256:${crypto
    .createHash('sha256')
    .update(read(docPath(service)))
    .digest('hex')}\n`;

function generateTypes(service) {
  const cli = path.join(ROOT, 'node_modules', 'openapi-typescript', 'bin', 'cli.js');
  const r = spawnSync(process.execPath, [cli, docPath(service), '--output', typesPath(service)], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openapi-typescript failed on openapi/${service}.json:\n${r.stderr}${r.stdout}`);
  fs.writeFileSync(typesPath(service), stamp(service) + read(typesPath(service)));
}

/** Exports both documents and regenerates the client types; returns the services whose types changed. */
function generate() {
  const changed = [];
  for (const service of SERVICES) {
    const before = read(typesPath(service));
    exportDocument(service);
    // openapi-typescript takes seconds on ingest's document: only when the types were not made from this one.
    if (before === null || !before.startsWith(stamp(service))) generateTypes(service);
    if (read(typesPath(service)) !== before) changed.push(service);
  }
  return changed;
}

module.exports = { generate, docPath, typesPath };

if (require.main === module) {
  const changed = generate();
  process.stdout.write(
    `openapi: ${SERVICES.map((s) => `openapi/${s}.json`).join(', ')} exported; client types ${changed.length ? `changed: ${changed.join(', ')}` : 'unchanged'}\n`,
  );
}
