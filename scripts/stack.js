// Shared by `npm start`, `npm test` and `npm run bench`: install, build, broker, database, services.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { consoleLevel, formatLogLine } = require('./pretty-log');

const ROOT = path.join(__dirname, '..');
// The stack's run folder: the development key and the services' logs (NEWSROOM_RUN_DIR, as `newsroom stack` reads it).
const RUN_DIR = process.env.NEWSROOM_RUN_DIR ? path.resolve(process.env.NEWSROOM_RUN_DIR) : path.join(ROOT, '.run');
const say = (msg) => process.stdout.write(`[newsroom] ${msg}\n`);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${r.status}`);
}

/** Installs dependencies when node_modules is missing or older than the lock file. */
function ensureInstalled() {
  const lock = path.join(ROOT, 'package-lock.json');
  const stamp = path.join(ROOT, 'node_modules', '.newsroom-installed');
  const want = crypto.createHash('sha256').update(fs.readFileSync(lock)).digest('hex');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === want) return;
  say('installing dependencies (npm ci)...');
  run('npm', ['ci', '--no-audit', '--no-fund']);
  fs.writeFileSync(stamp, want);
}

/** Compiles apps and libs to dist/ (incremental, so a second run is quick), then the CLI's OpenAPI client (scripts/build.js). */
function build() {
  // The e2e test of `newsroom stack up` runs right after the test command's own build: it reuses that dist/.
  if (
    process.env.NEWSROOM_SKIP_BUILD === '1' &&
    SERVICES.every((s) => fs.existsSync(path.join(ROOT, 'dist', 'apps', s.name, 'src', 'main.js')))
  ) {
    say('NEWSROOM_SKIP_BUILD=1: using the compiled dist/ as it is');
    return;
  }
  say('building (tsc, OpenAPI documents and the CLI client)...');
  run(process.execPath, [path.join(__dirname, 'build.js')]);
}

function canConnect(hostPort, timeoutMs = 1000) {
  const [host, port] = hostPort.split(':');
  return new Promise((resolve) => {
    const socket = net.connect({ host, port: Number(port) });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Starts the local KRaft broker unless one already answers; returns true when we started it. */
async function ensureKafka(env) {
  const first = (env.KAFKA_BROKERS || '127.0.0.1:9092').split(',')[0].trim();
  if (await canConnect(first)) {
    say(`Kafka answers at ${first}`);
    return false;
  }
  const port = first.split(':')[1];
  say(`no broker at ${first}: starting Apache Kafka from its jars (infra/kafka)...`);
  run('bash', [path.join(ROOT, 'infra', 'kafka', 'kafka.sh'), 'start'], { env: { ...env, KAFKA_PORT: port } });
  return true;
}

function stopKafka(env) {
  spawnSync('bash', [path.join(ROOT, 'infra', 'kafka', 'kafka.sh'), 'stop'], { cwd: ROOT, stdio: 'inherit', env });
}

async function ensurePostgres(env) {
  const url = new URL(env.DATABASE_URL);
  const hostPort = `${url.hostname}:${url.port || 5432}`;
  for (let i = 0; i < 30; i++) {
    if (await canConnect(hostPort)) return;
    if (i === 0) say(`waiting for Postgres at ${hostPort}...`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`Postgres does not answer at ${hostPort}; start it (pg_ctlcluster ... start) or set DATABASE_URL`);
}

function prepareDatabase(env) {
  run(process.execPath, ['-r', path.join(__dirname, 'register-paths.js'), path.join(ROOT, 'dist', 'infra', 'postgres', 'prepare.js')], {
    env,
  });
}

/** The development key: kept in .run/ (git-ignored) so it survives restarts; never used when keys are configured. */
function developmentKey() {
  const file = path.join(RUN_DIR, 'dev-api-key');
  fs.mkdirSync(RUN_DIR, { recursive: true });
  if (!fs.existsSync(file)) fs.writeFileSync(file, `dev-${crypto.randomBytes(18).toString('hex')}`, { mode: 0o600 });
  return fs.readFileSync(file, 'utf8').trim();
}

const SERVICES = [
  { name: 'ingest', portVar: 'INGEST_PORT', port: 3001 },
  { name: 'relay', portVar: 'RELAY_PORT', port: 3003 },
  { name: 'projector', portVar: 'PROJECTOR_PORT', port: 3002 },
  { name: 'query', portVar: 'QUERY_PORT', port: 3000 },
];

/**
 * Whether the process `pid` runs: it exists and is not a zombie, one that died and whose parent has not reaped it
 * yet (a detached stack's parent is init, and a container's init may never reap). Without /proc (macOS), kill's
 * answer stands.
 */
function processRunning(pid) {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if (error.code !== 'EPERM') return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

/**
 * Calls `onGone` once the process `pid` is gone, checked every second (the timer keeps nothing running). While it is
 * this process's parent, gone means being handed to another parent (a dead process's pid can be reused); otherwise
 * it no longer running. The services do the same in TypeScript (libs/platform supervisor-watch.util).
 */
function watchProcess(pid, onGone) {
  const wasParent = process.ppid === pid;
  const timer = setInterval(() => {
    if (wasParent ? process.ppid === pid : processRunning(pid)) return;
    clearInterval(timer);
    onGone();
  }, 1000);
  timer.unref();
}

/**
 * Spawns one compiled service; its JSON log goes to a file as it is, and to the console made readable
 * (scripts/pretty-log.js: one line each, level and service first; NEWSROOM_CONSOLE_LEVEL, info by default).
 * `detached`: the service gets its own process group, so a Ctrl-C in the terminal reaches only the supervisor.
 */
function startService(service, env, logDir, { quiet = false, detached = false } = {}) {
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${service.name}.log`);
  const out = fs.createWriteStream(logFile, { flags: 'a' });
  const child = spawn(
    process.execPath,
    ['-r', path.join(__dirname, 'register-paths.js'), path.join(ROOT, 'dist', 'apps', service.name, 'src', 'main.js')],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached },
  );
  child.once('close', () => out.end());
  const display = { color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR, minLevel: consoleLevel() };
  // Chunks may end mid-line: each stream keeps its unfinished line for the next chunk.
  const forwarder = () => {
    let pending = '';
    return (chunk) => {
      out.write(chunk);
      if (quiet) return;
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop();
      for (const line of lines) {
        const shown = formatLogLine(service.name, line, display);
        if (shown !== null) process.stdout.write(`${shown}\n`);
      }
    };
  };
  child.stdout.on('data', forwarder());
  child.stderr.on('data', forwarder());
  child.logFile = logFile;
  return child;
}

async function waitReady(url, timeoutMs = 120000) {
  const started = Date.now();
  let last = '';
  while (Date.now() - started < timeoutMs) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(4000) });
      // Ready, maybe with parts degraded (ingest without Kafka takes writes): returns their names.
      if (res.ok) return (await res.json().catch(() => ({}))).degraded ?? [];
      last = `${res.status} ${await res.text()}`;
    } catch (e) {
      last = e.message;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms: ${last}`);
}

module.exports = {
  processRunning,
  watchProcess,
  ROOT,
  RUN_DIR,
  SERVICES,
  say,
  run,
  ensureInstalled,
  build,
  ensureKafka,
  stopKafka,
  ensurePostgres,
  prepareDatabase,
  developmentKey,
  startService,
  waitReady,
  canConnect,
};
