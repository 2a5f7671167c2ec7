#!/usr/bin/env node
// `npm run bench [--quick] [--cpu-prof]` (see bench/README.md): installs and builds when needed, makes sure
// Postgres and the Kafka broker answer, raises the open-files limit (10,000 SSE subscribers need as many sockets)
// and runs the suite (dist/bench/src/main.js). Results land in bench/results/<date>.json and .md.
'use strict';
const path = require('node:path');
const { spawn } = require('node:child_process');
const stack = require('../scripts/stack');

async function main() {
  stack.ensureInstalled();
  stack.build();
  const env = { ...process.env, KAFKA_BROKERS: process.env.KAFKA_BROKERS || '127.0.0.1:9092' };
  await stack.ensurePostgres({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres', ...env });
  const startedKafka = await stack.ensureKafka(env);
  const main = path.join(stack.ROOT, 'dist', 'bench', 'src', 'main.js');
  // `npm run bench --quick` (no `--`) hands the flag to npm, which passes it on as npm_config_quick.
  const args = process.argv.slice(2);
  if (process.env.npm_config_quick === 'true' && !args.includes('--quick')) args.push('--quick');
  // `npm run bench --cpu-prof` gives npm_config_cpu_prof=true, `--cpu-prof=missed` gives missed.
  const prof = process.env.npm_config_cpu_prof;
  if (prof && !args.some((a) => a === '--cpu-prof' || a.startsWith('--cpu-prof=')))
    args.push(prof === 'true' ? '--cpu-prof' : `--cpu-prof=${prof}`);
  const register = path.join(stack.ROOT, 'scripts', 'register-paths.js');
  // Node cannot raise its own limit: a shell does, then becomes node (children inherit the limit).
  const script = 'ulimit -n "$(ulimit -Hn)" 2>/dev/null || ulimit -n 65536 2>/dev/null; exec "$0" "$@"';
  const child = spawn('bash', ['-c', script, process.execPath, '-r', register, main, ...args], {
    cwd: stack.ROOT,
    env,
    stdio: 'inherit',
  });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const code = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 130 : 1))));
  if (startedKafka && !process.env.KEEP_KAFKA) stack.stopKafka(env);
  process.exit(code);
}

main().catch((error) => {
  process.stderr.write(`[newsroom] bench failed: ${error.message}\n`);
  process.exit(1);
});
