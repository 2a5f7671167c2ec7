#!/usr/bin/env node
// `newsroom` (npx newsroom, npm run cli --): runs the compiled CLI from dist/, building it first when it is missing.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const main = path.join(ROOT, 'dist', 'apps', 'cli', 'src', 'main.js');

if (!fs.existsSync(main)) {
  process.stderr.write('[newsroom] the CLI is not built yet: running npm run build...\n');
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.js')], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  if (r.status !== 0) {
    process.stderr.write('[newsroom] the build failed (see above); fix it, then run npm run build\n');
    process.exit(1);
  }
}
require(main).run(process.argv);
