#!/usr/bin/env node
// Latency of single writes against the length of the stream written to (issue 15: "writes read their whole stream").
//
//   npm run build && node bench/stream-length.js [--root <checkout>] [--lengths 10,1000,20000] [--samples 200] [--http]
//
// `--root` is a checkout whose dist/ is built (default: this one), so the same script measures another commit
// (e.g. main, exported with `git archive` and built). For each length L it makes a subject of L events, inserted
// in SQL (set-up, not measured; stream versions as the store keeps them, and no kept state, as for a stream that
// existed before event_store.stream_states), writes a few warm-up events, then `--samples` single events one after
// the other, timed: through ingest's write path (EventWriter on PgEventStore: read, decide, append in its group
// commit) and, with --http, through POST /v1/events of an ingest app started in this process. Prints a table
// (p50, p99 in ms, and the ratios to the shortest stream) with the load average, and the JSON of it on the last line.
// Uses a database of its own on DATABASE_SERVER_URL (default postgres://postgres@127.0.0.1:5432/postgres), dropped at the end.
'use strict';
const os = require('node:os');
const path = require('node:path');
const { randomUUID, randomBytes } = require('node:crypto');

const { option } = require('./script-options');

const ROOT = path.resolve(option('root', path.join(__dirname, '..')));
const LENGTHS = option('lengths', '10,1000,20000').split(',').map(Number);
const SAMPLES = Number(option('samples', '200'));
const WARMUP = 5;
const HTTP = process.argv.includes('--http');
const SERVER = process.env.DATABASE_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

require(path.join(ROOT, 'scripts', 'register-paths.js'));
const dist = (p) => require(path.join(ROOT, 'dist', p));
const { Pool } = require('pg');
const { prepareDatabase, dropDatabase } = dist('infra/postgres/database.js');
const { PgEventStore } = dist('libs/event-store/src/index.js');
const { validateSubmission } = dist('libs/domain/src/index.js');
const { EventWriter } = dist('apps/ingest/src/events/shared/event-writer.service.js');
const { recordIntent } = dist('apps/ingest/src/events/shared/intents.mapper.js');

const QUOTE = 'OpenAI compte désormais environ 1 600 salariés, dont 300 dans ses équipes commerciales, '.repeat(7);
/** About 1 KB of JSON once stored, like the bench's events. */
const envelope = (subject, total) => ({
  id: randomUUID(),
  type: 'headcount.reported',
  subject,
  occurredAt: '2024-10',
  data: { total, byFunction: { commercial: 300, research: 700, engineering: 600 } },
  sources: [
    {
      outlet: 'Example Daily',
      url: 'https://example.org/business/2024/10/02/headcount',
      language: 'fr',
      publishedAt: '2024-10-02',
      quote: QUOTE,
    },
  ],
});

const meta = { correlationId: 'stream-length-bench', causationId: null, actor: 'bench' };
const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

async function prefill(pool, subject, length) {
  const e = envelope(subject, 0);
  await pool.query(
    `INSERT INTO event_store.events (event_id, stream_id, stream_version, type, schema_version, occurred_at, occurred_start,
       occurred_end, recorded_at, data, sources, modality, metadata, content_hash)
     SELECT gen_random_uuid(), $1, v, 'headcount.reported', 1, '2024-10', '2024-10-01', '2024-11-01', clock_timestamp(),
       jsonb_set($2::jsonb, '{total}', to_jsonb(v)), $3::jsonb, 'reported', '{"correlationId":"fill","causationId":null,"actor":"bench"}', md5(v::text)
     FROM generate_series(1, $4::int) AS v`,
    [subject, JSON.stringify(e.data), JSON.stringify(e.sources), length],
  );
  await pool.query('INSERT INTO event_store.streams (stream_id, version) VALUES ($1, $2)', [subject, length]);
  await pool.query('ANALYZE event_store.events');
}

async function measure(label, length, writeOne) {
  for (let i = 0; i < WARMUP; i++) await writeOne(i);
  const load = os.loadavg()[0];
  const times = [];
  for (let i = 0; i < SAMPLES; i++) {
    const start = process.hrtime.bigint();
    await writeOne(WARMUP + i);
    times.push(ms(start));
  }
  times.sort((a, b) => a - b);
  const row = { path: label, length, p50: quantile(times, 0.5), p99: quantile(times, 0.99), load: Math.max(load, os.loadavg()[0]) };
  process.stdout.write(
    `${label.padEnd(6)} ${String(length).padStart(7)} events  p50 ${row.p50.toFixed(1)} ms  p99 ${row.p99.toFixed(1)} ms  load ${row.load.toFixed(2)}\n`,
  );
  return row;
}

async function startIngest(url) {
  const key = 'stream-length-bench';
  process.env.LOG_LEVEL = 'silent';
  const { initMetrics } = dist('libs/platform/src/index.js');
  const { loadIngestConfig } = dist('apps/ingest/src/config/ingest.config.js');
  const { startIngestHttp } = dist('apps/ingest/src/ingest-http.factory.js');
  const config = loadIngestConfig({
    DATABASE_URL: url,
    INGEST_PORT: '0',
    INGEST_CONSUME_SUBMISSIONS: 'false',
    NEWSROOM_API_KEYS: `${key}:write`,
    LOG_LEVEL: 'silent',
  });
  initMetrics('ingest-stream-length-bench');
  // Started as the ingest process starts it (Fastify, /docs): the curve measures the server that runs.
  const app = await startIngestHttp(config, { port: 0, host: '127.0.0.1' });
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const post = async (body) => {
    const res = await fetch(`${base}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
    });
    if (res.status !== 201) throw new Error(`POST /v1/events answered ${res.status}: ${await res.text()}`);
  };
  return { app, post };
}

async function main() {
  const name = `newsroom_bench_streamlen_${randomBytes(4).toString('hex')}`;
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  await prepareDatabase(url.toString());
  const pool = new Pool({ connectionString: url.toString(), max: 8 });
  const rows = [];
  let ingest;
  try {
    const writer = new EventWriter(new PgEventStore(pool));
    for (const length of LENGTHS) {
      const subject = `org:direct-${length}`;
      await prefill(pool, subject, length);
      rows.push(
        await measure('direct', length, async (i) => {
          const s = validateSubmission(envelope(subject, i));
          const [outcome] = await writer.write([recordIntent(s.value)], meta, true);
          if (outcome.status !== 'created') throw new Error(JSON.stringify(outcome));
        }),
      );
    }
    if (HTTP) {
      ingest = await startIngest(url.toString());
      for (const length of LENGTHS) {
        const subject = `org:http-${length}`;
        await prefill(pool, subject, length);
        rows.push(await measure('http', length, (i) => ingest.post(envelope(subject, i))));
      }
    }
  } finally {
    await ingest?.app.close();
    await pool.end();
    await dropDatabase(url.toString());
  }
  process.stdout.write(
    '\n| path | stream length | p50 ms | p99 ms | p50 / shortest | p99 / shortest | load avg (1 min) |\n|---|---:|---:|---:|---:|---:|---:|\n',
  );
  for (const r of rows) {
    const base = rows.find((b) => b.path === r.path && b.length === Math.min(...LENGTHS));
    process.stdout.write(
      `| ${r.path} | ${r.length.toLocaleString('en')} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${(r.p50 / base.p50).toFixed(2)} | ${(r.p99 / base.p99).toFixed(2)} | ${r.load.toFixed(2)} |\n`,
    );
  }
  process.stdout.write(`${JSON.stringify({ root: ROOT, samples: SAMPLES, cpus: os.cpus().length, rows })}\n`);
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`stream-length bench failed: ${error.stack ?? error}\n`);
    process.exit(1);
  },
);
