#!/usr/bin/env node
// Where the projector's time goes, read model by read model (issue 15: the projector is the slowest stage):
//
//   npm run build && npm run bench:projector-cost -- [--root <checkout>] [--events 60000] [--rounds 2] [--batch 500] [--group 0] [--out <file.md>]
//     [--only leadership,all] (the run without read models always runs: it is what the others are compared with)
//
// `--root` is a checkout whose dist/ is built (default: this one). Fills a database of its own with `--events`
// bench events (the bench's shape: an `executive.appointed` with two sources, in SQL), builds the Kafka messages the
// relay would publish for them (its encoding, the store's id; the Kafka client and broker are left out), spreads
// them over 6 partitions by subject, and hands them to the projector's ProjectionRunner as the consumer would: the
// 6 partitions at once, `--batch` messages a batch. It does that once per configuration, each on a copy of the
// filled database (its read models as a new deployment has them: empty, never analyzed) with a fresh connection
// pool: no read model at all (what every batch costs whatever the read models: parsing, the store's vouching read,
// the transaction and checkpoints), each read model alone, and all of them. A configuration lasts seconds, so
// autovacuum's ANALYZE rarely comes during one, as it may during a longer drain. For each it takes the wall time,
// this process's CPU (the runner, pg's client side, GC) and the CPU of every Postgres process (/proc), and counts
// the rows the read models hold after it. Rounds alternate the order of the configurations (every other round runs
// them in reverse), and the table gives the mean and the spread.
//
// Prints a table, per read model: rows per event, events/s alone, CPU per event (runner, Postgres, both) and what
// that read model adds to the configuration without any, with its share of the sum; the JSON of it on the last
// line. Uses databases named newsroom_projector_cost_* on DATABASE_SERVER_URL (default
// postgres://postgres@127.0.0.1:5432/postgres), dropped at the end.
'use strict';
const os = require('node:os');
const path = require('node:path');
const { writeFileSync } = require('node:fs');
const { randomBytes } = require('node:crypto');
const { execFileSync } = require('node:child_process');

const { option } = require('./script-options');

const ROOT = path.resolve(option('root', path.join(__dirname, '..')));
const EVENTS = Number(option('events', '60000'));
const ROUNDS = Number(option('rounds', '2'));
const BATCH = Number(option('batch', '500'));
// The runner's `groupBatchesUpTo` (PROJECTOR_GROUP_BATCHES_UP_TO): 0, the projector's default, applies every batch alone.
const GROUP = Number(option('group', '0'));
const OUT = option('out', null);
const ONLY = option('only', null)?.split(',');
const PARTITIONS = 6;
const SERVER = process.env.DATABASE_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
for (const [name, value] of [
  ['events', EVENTS],
  ['rounds', ROUNDS],
  ['batch', BATCH],
]) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
}
if (!Number.isInteger(GROUP) || GROUP < 0) throw new Error('--group must be a whole number, 0 or more');

require(path.join(ROOT, 'scripts', 'register-paths.js'));
const dist = (p) => require(path.join(ROOT, 'dist', p));
const { Client, Pool } = require('pg');
const { DataSource } = require('typeorm');
const { prepareDatabase, dropDatabase } = dist('infra/postgres/database.js');
const { fillEventStore } = dist('bench/src/support/event-fill.js');
const { snapshotCpu } = dist('bench/src/support/cpu-accounting.js');
const { createProjections, ProjectionRunner, PROJECTION_NAMES } = dist('libs/projections/src/index.js');
const { EventLogReader } = dist('libs/event-store/src/index.js');
const { encodeWireMessage } = dist('libs/messaging/src/index.js');

/** Read-model tables that are bookkeeping (checkpoints, the feed watermark, failures), not a read model's rows. */
const BOOKKEEPING = /checkpoint|watermark|failure/;
const TOPIC = 'projector-cost.events';

/** Seconds of CPU of every Postgres process between two /proc snapshots (this process's own is process.cpuUsage). */
function postgresCpuBetween(a, b) {
  let ticks = 0;
  for (const [pid, end] of b.procs) if (end.kind.startsWith('postgres')) ticks += end.ticks - (a.procs.get(pid)?.ticks ?? 0);
  return ticks / 100;
}

async function messagesOf(ds) {
  const log = new EventLogReader(ds);
  const storeId = await log.storeId();
  const partitions = Array.from({ length: PARTITIONS }, () => []);
  for (let after = '0'; ;) {
    const page = await log.readAll({ after, limit: 5000 });
    if (!page.length) break;
    for (const e of page) {
      const { message } = encodeWireMessage(e, storeId);
      let h = 0;
      for (let i = 0; i < e.streamId.length; i++) h = (Math.imul(h, 31) + e.streamId.charCodeAt(i)) | 0;
      const p = Math.abs(h) % PARTITIONS;
      partitions[p].push({
        topic: TOPIC,
        partition: p,
        offset: String(partitions[p].length),
        key: message.key,
        value: message.value,
        headers: message.headers,
      });
    }
    after = page[page.length - 1].globalPosition;
  }
  return partitions;
}

function databaseUrl(name) {
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A client of its own for `work`, ended (its connection closed, not only asked to close) before this resolves: the
 * database it reads is dropped WITH (FORCE) right after, and a backend still on its way out would be terminated, its
 * client told so, and the error thrown where no one listens.
 */
async function withClient(url, work) {
  const client = new Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** `sql` on the server's maintenance database. */
const onServer = (sql) => withClient(SERVER, (client) => client.query(sql));

const rowsPerEvent = (url) => withClient(url, countRows);

async function countRows(db) {
  const { rows } = await db.query(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'read_model' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1`,
  );
  let total = 0;
  const tables = {};
  for (const { name } of rows) {
    if (BOOKKEEPING.test(name)) continue;
    const [{ n }] = (await db.query(`SELECT count(*)::int AS n FROM read_model."${name}"`)).rows;
    if (n) tables[name] = n / EVENTS;
    total += n;
  }
  return { total: total / EVENTS, tables };
}

async function runOnce(url, partitions, names) {
  const ds = await new DataSource({ type: 'postgres', url, extra: { max: PARTITIONS + 2 } }).initialize();
  try {
    const runner = new ProjectionRunner(
      ds,
      createProjections(names),
      { publish: async () => undefined },
      { dlqTopic: `${TOPIC}.dlq`, maxAttempts: 2, groupBatchesUpTo: GROUP },
    );
    // One batch first, not timed: the connections open and the prepared statements are parsed, as in a running projector.
    const warm = partitions.map((msgs) => msgs.slice(0, 1));
    await Promise.all(warm.map((msgs, p) => runner.handleBatch({ topic: TOPIC, partition: p, messages: msgs })));
    const cpu0 = process.cpuUsage();
    const snap0 = snapshotCpu();
    const started = performance.now();
    await Promise.all(
      partitions.map(async (msgs, p) => {
        for (let at = 1; at < msgs.length; at += BATCH)
          await runner.handleBatch({ topic: TOPIC, partition: p, messages: msgs.slice(at, at + BATCH) });
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const snap1 = snapshotCpu();
    const own = process.cpuUsage(cpu0);
    const timed = partitions.reduce((n, msgs) => n + Math.max(0, msgs.length - 1), 0);
    return { seconds, events: timed, runnerCpu: (own.user + own.system) / 1e6, postgresCpu: postgresCpuBetween(snap0, snap1) };
  } finally {
    await ds.destroy();
  }
}

const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;
const spread = (xs) => (xs.length > 1 && mean(xs) > 0 ? (Math.max(...xs) - Math.min(...xs)) / mean(xs) : 0);
const fmt = (x, d = 0) => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '-');

async function main() {
  const name = `newsroom_projector_cost_${randomBytes(3).toString('hex')}`;
  const filled = databaseUrl(name);
  const copies = [];
  await prepareDatabase(filled);
  try {
    const pool = new Pool({ connectionString: filled, max: 2 });
    // Ended before the copies are made from its database; a late error from a connection on its way out is not ours.
    pool.on('error', () => undefined);
    await fillEventStore(pool, { events: EVENTS, streams: Math.max(1, Math.floor(EVENTS / 3)), scope: 'cost' });
    await pool.end();
    const boot = await new DataSource({ type: 'postgres', url: filled, extra: { max: 1 } }).initialize();
    const partitions = await messagesOf(boot);
    await boot.destroy();

    const configs = [
      { label: '(none)', names: [] },
      ...PROJECTION_NAMES.map((n) => ({ label: n, names: [n] })),
      { label: 'all', names: PROJECTION_NAMES },
    ];
    if (ONLY) configs.splice(0, configs.length, ...configs.filter((c) => c.label === '(none)' || ONLY.includes(c.label)));
    const runs = new Map(configs.map((c) => [c.label, []]));
    const rows = new Map();
    const load = [os.loadavg()[0]];
    for (let round = 0; round < ROUNDS; round++) {
      for (const c of round % 2 ? [...configs].reverse() : configs) {
        // A copy of the filled database (no connection to it may be open meanwhile), dropped once measured.
        const copy = `${name}_${copies.length}`;
        copies.push(copy);
        await onServer(`CREATE DATABASE "${copy}" TEMPLATE "${name}"`);
        const r = await runOnce(databaseUrl(copy), partitions, c.names);
        runs.get(c.label).push(r);
        if (!rows.has(c.label)) rows.set(c.label, await rowsPerEvent(databaseUrl(copy)));
        await dropDatabase(databaseUrl(copy));
        process.stderr.write(
          `[projector-cost] round ${round + 1} ${c.label}: ${fmt(r.events / r.seconds)} events/s, runner ${fmt(r.runnerCpu, 2)} s, Postgres ${fmt(r.postgresCpu, 2)} s CPU\n`,
        );
      }
      load.push(os.loadavg()[0]);
    }

    const per = (label) => {
      const rs = runs.get(label);
      const us = (f) => mean(rs.map((r) => (1e6 * f(r)) / r.events));
      return {
        label,
        rowsPerEvent: rows.get(label).total,
        tables: rows.get(label).tables,
        eventsPerSecond: mean(rs.map((r) => r.events / r.seconds)),
        rateSpread: spread(rs.map((r) => r.events / r.seconds)),
        runnerUs: us((r) => r.runnerCpu),
        postgresUs: us((r) => r.postgresCpu),
        machineUs: us((r) => r.runnerCpu + r.postgresCpu),
      };
    };
    const floor = per('(none)');
    const all = runs.has('all') ? per('all') : null;
    const models = PROJECTION_NAMES.filter((n) => runs.has(n))
      .map(per)
      .map((m) => ({ ...m, addedUs: m.machineUs - floor.machineUs }));
    const addedSum = models.reduce((s, m) => s + Math.max(0, m.addedUs), 0);
    const cores = os.cpus().length;
    const lines = [
      `# Projector cost by read model (${new Date().toISOString().slice(0, 10)})`,
      '',
      `${fmt(EVENTS)} bench events (\`executive.appointed\`, two sources) on ${PARTITIONS} partitions at once, batches of ${BATCH}; ${ROUNDS} rounds, alternating order. ` +
        `Machine: ${cores} x ${os.cpus()[0]?.model.trim() ?? 'cpu'}; load average ${load.map((l) => l.toFixed(2)).join(' / ')} (start, after each round). ` +
        `Code: ${commitOf(ROOT)}. CPU per event: this process (the runner, pg's client side, GC) and every Postgres process, from /proc; ` +
        '"adds" is a read model alone minus the runner with none; the Kafka client and broker are not in any figure.',
      '',
      '| read models | rows per event | events/s (spread) | runner CPU µs/event | Postgres CPU µs/event | both µs/event | adds µs/event | share of the sum of adds |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
      ...[floor, ...models, ...(all ? [all] : [])].map((m) => {
        const added = m.addedUs === undefined ? '' : fmt(m.addedUs);
        const share = m.addedUs === undefined || addedSum <= 0 ? '' : `${fmt((100 * Math.max(0, m.addedUs)) / addedSum)}%`;
        return `| ${m.label} | ${fmt(m.rowsPerEvent, 2)} | ${fmt(m.eventsPerSecond)} (${fmt(100 * m.rateSpread)}%) | ${fmt(m.runnerUs)} | ${fmt(m.postgresUs)} | ${fmt(m.machineUs)} | ${added} | ${share} |`;
      }),
      ...(all
        ? [
            '',
            `All read models together: ${fmt(all.machineUs)} µs of CPU an event (${fmt((100 * all.runnerUs) / all.machineUs)}% in the runner's process, ` +
              `${fmt((100 * all.postgresUs) / all.machineUs)}% in Postgres); the floor plus the adds: ${fmt(floor.machineUs + addedSum)} µs. ` +
              `Rows per event by table with all: ${Object.entries(all.tables)
                .map(([t, n]) => `${t} ${fmt(n, 2)}`)
                .join(', ')}.`,
          ]
        : []),
    ];
    const markdown = lines.join('\n') + '\n';
    process.stdout.write(markdown);
    if (OUT) writeFileSync(OUT, markdown);
    process.stdout.write(JSON.stringify({ events: EVENTS, batch: BATCH, rounds: ROUNDS, floor, models, all }) + '\n');
  } finally {
    for (const copy of copies) await dropDatabase(databaseUrl(copy)).catch(() => undefined);
    await dropDatabase(filled);
  }
}

function commitOf(root) {
  try {
    return execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

main().catch((error) => {
  process.stderr.write(`[projector-cost] failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
