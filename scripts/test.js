#!/usr/bin/env node
// `npm test`: installs and builds when needed, makes sure Postgres and the Kafka broker answer, runs the static
// checks (`npm run check`: layer rules, ESLint, Prettier, knip), runs every jest tier, and ends with one line:
// `jest: N passed, N failed`. A failed check counts as one failure on that line.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const stack = require('./stack');

async function main() {
  stack.ensureInstalled();
  stack.build();
  const env = { ...process.env, KAFKA_BROKERS: process.env.KAFKA_BROKERS || '127.0.0.1:9092', NODE_ENV: 'test' };
  await stack.ensurePostgres({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres', ...env });
  const startedKafka = await stack.ensureKafka(env);
  // The live-feed browser test drives Debian's Chromium; install it on a fresh machine (a miss is reported by that test).
  const chromium = spawnSync('bash', [path.join(__dirname, 'ensure-chromium.sh')], { cwd: stack.ROOT, stdio: 'inherit', env });
  if (chromium.status !== 0) stack.say('Chromium could not be installed; the browser test will say so');
  let code = 1;
  try {
    stack.say('static checks: layer rules, eslint, prettier, knip (npm run check)...');
    const rules = spawnSync(process.execPath, [path.join(__dirname, 'check.js')], { cwd: stack.ROOT, stdio: 'inherit', env });
    const reportDir = path.join(stack.ROOT, 'reports');
    fs.mkdirSync(reportDir, { recursive: true });
    const report = path.join(reportDir, 'jest.json');
    fs.rmSync(report, { force: true });
    const args = [
      path.join(stack.ROOT, 'node_modules', 'jest', 'bin', 'jest.js'),
      '--json',
      `--outputFile=${report}`,
      ...process.argv.slice(2),
    ];
    const jest = spawnSync(process.execPath, args, { cwd: stack.ROOT, stdio: 'inherit', env });
    const summary = fs.existsSync(report) ? JSON.parse(fs.readFileSync(report, 'utf8')) : null;
    const passed = summary?.numPassedTests ?? 0;
    const failed = (summary?.numFailedTests ?? 0) + (summary ? (summary.numRuntimeErrorTestSuites ?? 0) : 1) + (rules.status === 0 ? 0 : 1);
    if (rules.status !== 0) stack.say('static checks failed (counted as one failure; `npm run check` shows them)');
    process.stdout.write(`jest: ${passed} passed, ${failed} failed\n`);
    code = jest.status === 0 && rules.status === 0 && failed === 0 && passed > 0 ? 0 : 1;
  } finally {
    if (startedKafka && !process.env.KEEP_KAFKA) stack.stopKafka(env);
  }
  process.exit(code);
}

main().catch((error) => {
  process.stderr.write(`[newsroom] test command failed: ${error.message}\n`);
  process.stdout.write('jest: 0 passed, 1 failed\n');
  process.exit(1);
});
