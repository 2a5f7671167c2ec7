import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, closeSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import { closedLoop, LoadResult } from '../support/load';
import { benchEnvelope, toAppend } from '../support/event-shape';
import { feedRowOf, upsertFeedRows } from '../support/feed-rows';

/** Event-store columns a writer supplies (position and transaction id are generated). */
const EVENT_COLUMNS = [
  'event_id',
  'stream_id',
  'stream_version',
  'type',
  'schema_version',
  'occurred_at',
  'occurred_start',
  'occurred_end',
  'recorded_at',
  'data',
  'sources',
  'modality',
  'metadata',
  'content_hash',
];

/** Copies of the real tables, indexes and constraints included (LIKE ... INCLUDING ALL), in a bench schema. */
export async function createBaselineTables(pool: Pool): Promise<void> {
  await pool.query('CREATE SCHEMA IF NOT EXISTS bench');
  await pool.query('CREATE TABLE IF NOT EXISTS bench.events_copy (LIKE event_store.events INCLUDING ALL)');
  await pool.query('CREATE TABLE IF NOT EXISTS bench.events_inserts (LIKE event_store.events INCLUDING ALL)');
  await pool.query('CREATE TABLE IF NOT EXISTS bench.feed_upserts (LIKE read_model.feed_items INCLUDING ALL)');
}

function eventValues(i: number, scope: string, streams: number): Array<string | number | null> {
  const e = toAppend(benchEnvelope(i, `person:bench-${scope}-${i % streams}`), 'bench');
  return [
    e.eventId,
    `person:bench-${scope}-${i % streams}`,
    Math.floor(i / streams) + 1,
    e.type,
    e.schemaVersion,
    e.occurredAt,
    e.occurredStart,
    e.occurredEnd,
    new Date().toISOString(),
    JSON.stringify(e.data),
    JSON.stringify(e.sources),
    e.modality,
    JSON.stringify(e.metadata),
    e.contentHash,
  ];
}

const csvField = (v: string | number | null) => (v === null || v === undefined ? '' : `"${String(v).replace(/"/g, '""')}"`);

function runPsql(url: string, sql: string, stdinFile?: string): Promise<number> {
  const fd = stdinFile ? openSync(stdinFile, 'r') : 'ignore';
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', sql], { stdio: [fd, 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (c) => (err += c));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (typeof fd === 'number') closeSync(fd);
      if (code === 0) resolve(performance.now() - started);
      else reject(new Error(`psql failed (${code}): ${err.slice(0, 500)}`));
    });
  });
}

/** The CSV of `rows` event rows, split into `parts` files (one per COPY session); written once, reused by every run. */
export function writeCopyFiles(rows: number, parts: number, tmpDir: string): { files: string[]; remove(): void } {
  mkdirSync(tmpDir, { recursive: true });
  const files = Array.from({ length: parts }, (_, p) => join(tmpDir, `copy-${process.pid}-${p}.csv`));
  files.forEach((f) => writeFileSync(f, ''));
  for (let from = 0; from < rows; from += 10_000) {
    const lines: string[][] = files.map(() => []);
    for (let i = from; i < Math.min(rows, from + 10_000); i++) lines[i % parts].push(eventValues(i, 'copy', 1000).map(csvField).join(','));
    lines.forEach((l, p) => l.length && appendFileSync(files[p], l.join('\n') + '\n'));
  }
  return { files, remove: () => files.forEach((f) => rmSync(f, { force: true })) };
}

/**
 * COPY FROM STDIN of the rows in `files`, one psql session per file, all at once (the table emptied first, not
 * timed): wall time from the first start to the last exit, minus psql's own start-up (measured with a no-op).
 */
export async function measureCopy(pool: Pool, url: string, files: string[], rows: number): Promise<{ rate: number; ms: number }> {
  await pool.query('TRUNCATE bench.events_copy');
  const overhead = await runPsql(url, 'SELECT 1');
  const started = performance.now();
  await Promise.all(files.map((f) => runPsql(url, `COPY bench.events_copy (${EVENT_COLUMNS.join(', ')}) FROM STDIN WITH (FORMAT csv)`, f)));
  const ms = performance.now() - started - overhead;
  return { rate: (rows * 1000) / ms, ms };
}

/** Runs of the INSERT baseline so far: each writes streams of its own (it is taken twice, A B A B). */
let insertRuns = 0;

/** One INSERT per row in its own transaction, from `clients` connections at once: the ceiling of single appends. */
export async function measureInserts(pool: Pool, clients: number, timing: { warmupMs: number; measureMs: number }): Promise<LoadResult> {
  const sql = `INSERT INTO bench.events_inserts (${EVENT_COLUMNS.join(', ')})
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`;
  const run = insertRuns++;
  let n = 0;
  return closedLoop({ concurrency: clients, ...timing }, async () => {
    await pool.query(sql, eventValues(n++, `ins${run}r`, 5000));
    return 1;
  });
}

/**
 * Batched upserts of feed rows (one unnest statement per batch, `sessions` at once): the ceiling of projectors
 * and rebuilds, which write rows of this shape.
 */
export async function measureUpserts(
  pool: Pool,
  options: { sessions: number; batch: number; warmupMs: number; measureMs: number },
): Promise<LoadResult> {
  const template = Array.from({ length: options.batch }, (_, j) => feedRowOf(benchEnvelope(j, `person:bench-up-${j}`), j + 1));
  return closedLoop(
    { concurrency: options.sessions, warmupMs: options.warmupMs, measureMs: options.measureMs },
    async (worker, iteration) => {
      const base = worker * 1_000_000_000 + iteration * options.batch;
      const rows = template.map((r, j) => ({ ...r, position: String(base + j + 1), eventId: randomUUID() }));
      await upsertFeedRows(pool, 'bench.feed_upserts', rows, true);
      return rows.length;
    },
  );
}
