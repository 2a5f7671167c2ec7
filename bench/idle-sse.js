#!/usr/bin/env node
// Memory per idle SSE subscriber of the query service, alone (the fan-out group's `sse.idleKiB`, without the rest
// of the bench), so two builds can be compared A B A B on a busy machine:
//
//   npm run build && npm run bench:idle-sse -- [--roots <checkout>,<checkout>] [--count 10000] [--rounds 2] [--clients 4]
//
// `--roots`: checkouts whose dist/ is built (default: this one); each round measures every root in turn. For each it
// starts the query app the way the bench does (dist/apps/query/src/main.js, NODE_ENV=production, LOG_LEVEL=warn, a
// fresh database, per-IP limits off), opens and closes a warm-up of 50 streams, then opens `--count` idle streams of
// /v1/feed/stream from client processes (this checkout's bench clients) and reports RSS after minus before, over
// the count (the medians of 5 samples), with the JS heap (used and total) and external memory from /metrics.
// Uses databases named newsroom_sse_idle_* on DATABASE_SERVER_URL, dropped at the end.
'use strict';
const path = require('node:path');
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { createServer } = require('node:net');

const { option } = require('./script-options');

const HERE = path.join(__dirname, '..');
const ROOTS = option('roots', HERE)
  .split(',')
  .map((r) => path.resolve(r));
const COUNT = Number(option('count', '10000'));
const ROUNDS = Number(option('rounds', '2'));
const CLIENTS = Number(option('clients', '4'));
const SETTLE_MS = Number(option('settle', '4000'));
const SERVER = process.env.DATABASE_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

require(path.join(HERE, 'scripts', 'register-paths.js'));
const dist = (p) => require(path.join(HERE, 'dist', p));
const { prepareDatabase, dropDatabase } = dist('infra/postgres/database.js');
const { SseClients } = dist('bench/src/sse/sse-clients.js');
const { rssKiB } = dist('bench/src/support/bench-apps.js');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startQuery(root, databaseUrl) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['-r', path.join(root, 'scripts', 'register-paths.js'), path.join(root, 'dist/apps/query/src/main.js')],
    {
      cwd: root,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        DATABASE_URL: databaseUrl,
        KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
        KAFKA_TOPIC_PREFIX: 'newsroom_sse_idle.',
        QUERY_READ_RATE_PER_IP: '0',
        FEED_MAX_CONNECTIONS_PER_IP: '0',
        FEED_MAX_SUBSCRIBERS: String(Math.max(20000, COUNT + 100)),
        QUERY_PORT: String(port),
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`query exited with ${child.exitCode}`);
    const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(3000) }).catch(() => null);
    if (res?.ok) break;
    if (Date.now() - started > 90000) throw new Error('query not ready after 90 s');
    await sleep(200);
  }
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 15000);
    await exited;
    clearTimeout(t);
  };
  return { url, pid: child.pid, stop };
}

async function steadyRss(pid) {
  const xs = [];
  for (let i = 0; i < 5; i++) {
    xs.push(rssKiB(pid));
    await sleep(200);
  }
  return median(xs);
}

async function heap(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const read = (name) =>
    Number(
      text
        .split('\n')
        .find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
        ?.split(' ')
        .pop() ?? NaN,
    );
  return {
    used: read('nodejs_heap_size_used_bytes') / 1024,
    total: read('nodejs_heap_size_total_bytes') / 1024,
    external: read('nodejs_external_memory_bytes') / 1024,
  };
}

async function measure(root) {
  const name = `newsroom_sse_idle_${randomBytes(3).toString('hex')}`;
  const db = new URL(SERVER);
  db.pathname = `/${name}`;
  await prepareDatabase(db.toString());
  const app = await startQuery(root, db.toString());
  try {
    const stream = `${app.url}/v1/feed/stream`;
    const warm = await SseClients.open(stream, 50, 1);
    await sleep(300);
    await warm.close();
    await sleep(SETTLE_MS);
    const before = await steadyRss(app.pid);
    const heapBefore = await heap(app.url);
    const clients = await SseClients.open(stream, COUNT, CLIENTS);
    try {
      await sleep(SETTLE_MS);
      const after = await steadyRss(app.pid);
      const heapAfter = await heap(app.url);
      const stats = await clients.stats();
      if (stats.open < COUNT) throw new Error(`only ${stats.open} of ${COUNT} stayed connected`);
      const per = (a, b) => (a - b) / COUNT;
      return {
        root,
        kib: per(after, before),
        heapUsedKiB: per(heapAfter.used, heapBefore.used),
        heapTotalKiB: per(heapAfter.total, heapBefore.total),
        externalKiB: per(heapAfter.external, heapBefore.external),
        rssMiB: [before / 1024, after / 1024],
      };
    } finally {
      await clients.close();
    }
  } finally {
    await app.stop();
    await dropDatabase(db.toString());
  }
}

async function main() {
  const rows = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const root of ROOTS) {
      const r = await measure(root);
      rows.push(r);
      const f = (x) => x.toFixed(2);
      process.stdout.write(
        `round ${round + 1} ${root}: ${f(r.kib)} KiB RSS per subscriber (heap used ${f(r.heapUsedKiB)}, heap total ${f(r.heapTotalKiB)}, external ${f(r.externalKiB)}); RSS ${r.rssMiB.map(f).join(' -> ')} MiB\n`,
      );
    }
  }
  process.stdout.write(`${JSON.stringify({ count: COUNT, clients: CLIENTS, rows })}\n`);
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`idle-sse bench failed: ${error.stack ?? error}\n`);
    process.exit(1);
  },
);
