import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { ROOT, runDirOf } from '../cli.config';
import { CliError } from '../output/cli.errors';
import { formatTable } from '../output/table.renderer';
import { serviceHealth } from './stack-health.util';

// The machinery of `npm start` (scripts/stack.js): service names and ports, broker and database checks.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stack = require(join(ROOT, 'scripts', 'stack.js')) as {
  SERVICES: { name: string; portVar: string; port: number }[];
  canConnect(hostPort: string, timeoutMs?: number): Promise<boolean>;
  processRunning(pid: number): boolean;
};

/** Where `stack up` keeps the background stack's pid and its terminal output (NEWSROOM_RUN_DIR, else .run/). */
const runDir = () => runDirOf();
const pidFile = () => join(runDir(), 'stack.pid');
const logFile = () => join(runDir(), 'stack.log');
const serviceUrl = (s: { portVar: string; port: number }) => `http://127.0.0.1:${process.env[s.portVar] || s.port}`;

/** A stack killed with -9 may stay a zombie until init reaps it: that is not running (stack.js processRunning). */
const alive = (pid: number): boolean => stack.processRunning(pid);

/**
 * The pid is `scripts/start.js` of this checkout, not a process that got the number after a reboot or a crash left
 * the file behind (`stack down` would signal it). Read from /proc where there is one; elsewhere being alive is all
 * there is to go on.
 */
function isOurStack(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .split('\0')
      .includes(join(ROOT, 'scripts', 'start.js'));
  } catch {
    return !existsSync('/proc/self/cmdline');
  }
}

/** The background stack's pid; a pid file naming anything else is stale and is removed. */
function runningPid(): number | null {
  if (!existsSync(pidFile())) return null;
  const pid = Number(readFileSync(pidFile(), 'utf8').trim());
  if (pid > 0 && alive(pid) && isOurStack(pid)) return pid;
  rmSync(pidFile(), { force: true });
  return null;
}

export function registerStack(program: Command): void {
  const cmd = program
    .command('stack')
    .description('the local stack `npm start` runs (broker, database, the four services, the seed story): up, down, status')
    .addHelpText(
      'after',
      '\n  newsroom stack up       # in the background; output in .run/stack.log\n  newsroom stack status\n  newsroom stack down',
    );
  cmd
    .command('up')
    .description('start the stack in the background (`npm start`) and wait until every service is ready')
    .option('--timeout <seconds>', 'how long to wait for readiness (a first run installs and builds)', '600')
    .action(async (o: { timeout: string }) => up(Number(o.timeout) * 1000));
  cmd
    .command('down')
    .description('stop the stack `newsroom stack up` started (services drain; a broker it started is stopped)')
    .action(down);
  cmd.command('status').description("each service's readiness and URL, the broker and the database").action(status);
}

async function up(timeoutMs: number): Promise<void> {
  const pid = runningPid();
  if (pid) {
    process.stderr.write(
      `the stack is already running (pid ${pid}): \`newsroom stack status\` shows it, \`newsroom stack down\` stops it\n`,
    );
    return;
  }
  const health = await Promise.all(stack.SERVICES.map((s) => serviceHealth(s.name, serviceUrl(s), 1000)));
  if (health.some((h) => h.state !== 'not answering'))
    throw new CliError(
      'services already answer on the stack ports (an `npm start` in another terminal?)',
      '`newsroom stack status` shows them; stop that stack first (Ctrl-C in its terminal)',
    );
  mkdirSync(runDir(), { recursive: true });
  const out = openSync(logFile(), 'w');
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'start.js')], {
    cwd: ROOT,
    env: process.env,
    stdio: ['ignore', out, out],
    detached: true,
  });
  closeSync(out);
  child.unref();
  writeFileSync(pidFile(), `${child.pid}\n`);
  process.stderr.write(`starting the stack in the background (pid ${child.pid}); output: ${logFile()}\n`);
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    await new Promise((r) => setTimeout(r, 1000));
    const log = readFileSync(logFile(), 'utf8');
    const upAt = log.indexOf('\nNewsroom is up.');
    if (upAt >= 0) {
      process.stdout.write(`${log.slice(upAt + 1, log.indexOf('Ctrl-C stops everything.', upAt)).trimEnd()}\n`);
      process.stdout.write('`newsroom stack down` stops it.\n');
      return;
    }
    if (!alive(child.pid!)) {
      rmSync(pidFile(), { force: true });
      throw new CliError(`the stack did not start:\n${log.split('\n').slice(-15).join('\n')}`, `the whole output is in ${logFile()}`, 1);
    }
  }
  throw new CliError(
    `the stack is not ready after ${timeoutMs / 1000} s; it goes on starting in the background`,
    `see ${logFile()}; \`newsroom stack down\` stops it`,
    1,
  );
}

async function down(): Promise<void> {
  const pid = runningPid();
  if (!pid) {
    rmSync(pidFile(), { force: true });
    const health = await Promise.all(stack.SERVICES.map((s) => serviceHealth(s.name, serviceUrl(s), 1000)));
    if (health.some((h) => h.state !== 'not answering'))
      throw new CliError(
        'services answer, but not from a stack `newsroom stack up` started',
        'stop that one where it runs (Ctrl-C on its `npm start`)',
        1,
      );
    process.stdout.write('the stack is not running\n');
    return;
  }
  // start.js stops its services on SIGTERM (they drain) and the broker if it started one.
  process.kill(pid, 'SIGTERM');
  const started = Date.now();
  while (alive(pid) && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 250));
  if (alive(pid)) throw new CliError(`the stack (pid ${pid}) is still stopping after 60 s`, `see ${logFile()}`, 1);
  rmSync(pidFile(), { force: true });
  process.stdout.write(`stopped the stack (pid ${pid}) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

async function status(): Promise<void> {
  const health = await Promise.all(stack.SERVICES.map((s) => serviceHealth(s.name, serviceUrl(s))));
  const brokers = process.env.KAFKA_BROKERS || '127.0.0.1:9092';
  const db = new URL(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/newsroom');
  const dbHost = `${db.hostname}:${db.port || 5432}`;
  const [kafka, pg] = await Promise.all([stack.canConnect(brokers.split(',')[0].trim()), stack.canConnect(dbHost)]);
  const rows = [
    ...health.map((h) => [h.name, h.state, h.url, h.detail]),
    ['kafka', kafka ? 'answers' : 'not answering', brokers, ''],
    ['postgres', pg ? 'answers' : 'not answering', `${dbHost}${db.pathname}`, ''],
  ];
  process.stdout.write(`${formatTable(['service', 'state', 'url', 'detail'], rows)}\n`);
  const pid = runningPid();
  if (pid) process.stdout.write(`background stack: pid ${pid}, output in ${logFile()}\n`);
  if (health.some((h) => h.state !== 'ready')) {
    process.stdout.write(
      health.every((h) => h.state === 'not answering')
        ? 'the stack is down: `newsroom stack up` starts it\n'
        : 'not every service is ready\n',
    );
    process.exitCode = 1;
  }
}
