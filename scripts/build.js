#!/usr/bin/env node
// `npm run build` (and the build step of `npm start` / `npm test`): tsc, then the OpenAPI documents and the CLI's
// client generated from them (scripts/openapi.js); when they changed, tsc again, so a drift between the API and
// the CLI fails the build.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const openapi = require('./openapi');

const ROOT = path.join(__dirname, '..');

function tsc() {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`tsc -p tsconfig.build.json failed with exit code ${r.status}`);
}

function build(say = (msg) => process.stdout.write(`[newsroom] ${msg}\n`)) {
  tsc();
  const changed = openapi.generate();
  if (changed.length) {
    say(`the OpenAPI documents of ${changed.join(' and ')} changed: compiling the CLI against the new client types...`);
    tsc();
  }
}

module.exports = { build };

if (require.main === module) {
  try {
    build();
  } catch (error) {
    process.stderr.write(`[newsroom] build failed: ${error.message}\n`);
    process.exit(1);
  }
}
