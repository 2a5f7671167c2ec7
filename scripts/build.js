#!/usr/bin/env node
// `npm run build` (and the build step of `npm start` / `npm test`): tsc, then the OpenAPI documents and the CLI's
// client generated from them (scripts/openapi.js); when they changed, tsc again, so a drift between the API and
// the CLI fails the build.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const openapi = require('./openapi');

const ROOT = path.join(__dirname, '..');

function node(args) {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${path.basename(args[0])} ${args.slice(1).join(' ')} failed with exit code ${r.status}`);
}

const tsc = (project = 'tsconfig.build.json') => node([path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project]);

function build(say = (msg) => process.stdout.write(`[newsroom] ${msg}\n`)) {
  tsc();
  // The dashboard's own compile and bundle, where the dashboard is present (apps/query/dashboard).
  const dashboard = path.join('apps', 'query', 'dashboard', 'tsconfig.json');
  if (fs.existsSync(path.join(ROOT, dashboard))) {
    tsc(dashboard);
    node([path.join(__dirname, 'build-dashboard.js')]);
  }
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
