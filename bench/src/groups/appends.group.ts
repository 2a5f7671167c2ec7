import { join } from 'node:path';
import { measureHttpBatches, measureHttpSingles } from '../measures/http-appends.measure';
import { createBaselineTables, measureCopy, measureInserts, writeCopyFiles } from '../measures/pg-baselines.measure';
import {
  measureEmmettBatches,
  measureEmmettSingles,
  measureStoreBatches,
  measureStoreSingles,
  openEmmett,
} from '../measures/store-appends.measure';
import { measureStreamLengths } from '../measures/stream-length.measure';
import { RATIOS } from '../report/ratios';
import { CpuSnapshot, cpuCurve, snapshotCpu } from '../support/cpu-accounting';
import { HttpClient } from '../support/http-client';
import { benchStack } from './bench-stack';
import { GroupContext } from './group-context';

/**
 * Appends next to their ceilings, on one database, each measurement taken twice in alternation (A B A B), so a
 * pair's ours and baseline share the machine's mood: raw INSERTs, PgEventStore, emmett and HTTP for single
 * events at 16 clients; COPY (4 sessions and 1), PgEventStore, emmett and HTTP for batches of 100 at 4 clients.
 * Then the curve of append latency against the length of the stream written to.
 */
export async function appendsGroup(ctx: GroupContext): Promise<void> {
  const { plan, config } = ctx;
  const timing = { warmupMs: plan.warmupMs, measureMs: plan.measureMs };
  const { db, key, env } = await benchStack(ctx, 'appends', plan.singleClients + 2);
  await createBaselineTables(db.pool);
  const ingest = await ctx.startApp('ingest', {
    ...env,
    // As many connections as the raw-insert baseline gets.
    DATABASE_POOL_MAX: String(plan.singleClients),
    INGEST_CONSUME_SUBMISSIONS: 'false',
  });
  const emmett = await openEmmett(db.url, plan.singleClients);
  ctx.onCleanup(() => emmett.close());
  // The fresh ingest takes both loads untimed first (see appWarmupMs): its first timed run measured its start-up.
  const warm = { warmupMs: 0, measureMs: plan.appWarmupMs / 2 };
  await measureHttpSingles(ingest.url, key, plan.singleClients, plan.streamsPerClient, warm);
  await measureHttpBatches(ingest.url, key, plan.batchClients, plan.batchSize, warm);
  const clients = `${plan.singleClients} clients`;
  const batches = `${plan.batchClients} clients x ${plan.batchSize} events, one new stream per batch`;

  await ctx.rounds([
    { id: 'pg.inserts16', note: clients, run: async () => (await measureInserts(db.pool, plan.singleClients, timing)).rate },
    {
      id: 'appends.direct.single16',
      note: clients,
      run: async () => (await measureStoreSingles(db.pool, plan.singleClients, plan.streamsPerClient, timing)).rate,
    },
    {
      id: 'emmett.single16',
      note: clients,
      run: async () => (await measureEmmettSingles(emmett.store, plan.singleClients, plan.streamsPerClient, timing)).rate,
    },
    {
      id: 'appends.http.single16',
      note: clients,
      run: async () => (await measureHttpSingles(ingest.url, key, plan.singleClients, plan.streamsPerClient, timing)).rate,
    },
  ]);

  const tmp = join(config.tmpDir, ctx.input.runId);
  const copyAll = writeCopyFiles(plan.copyRows, plan.copySessions, tmp);
  ctx.onCleanup(() => copyAll.remove());
  const copyOne = writeCopyFiles(plan.copyRows, 1, join(tmp, 'one'));
  ctx.onCleanup(() => copyOne.remove());
  // The CPU of the last round's HTTP batches (warm-up included) and the COPY rate of its pair, for what the ratio's
  // line would take at that cost.
  const last: { copy4?: number; batched?: { from: CpuSnapshot; to: CpuSnapshot; events: number } } = {};
  const head = async () => Number((await db.pool.query('SELECT coalesce(max(global_position), 0) AS n FROM event_store.events')).rows[0].n);
  await ctx.rounds([
    {
      id: 'pg.copy4',
      note: `${plan.copyRows} rows in ${plan.copySessions} psql sessions at once (the batch clients' count)`,
      run: async () => (last.copy4 = (await measureCopy(db.pool, db.url, copyAll.files, plan.copyRows)).rate),
    },
    {
      id: 'appends.direct.batch100',
      note: batches,
      run: async () => (await measureStoreBatches(db.pool, plan.batchClients, plan.batchSize, timing)).rate,
    },
    {
      id: 'appends.http.batch100',
      note: batches,
      run: async () => {
        const [before, from] = [await head(), snapshotCpu()];
        const rate = (await measureHttpBatches(ingest.url, key, plan.batchClients, plan.batchSize, timing)).rate;
        last.batched = { from, to: snapshotCpu(), events: (await head()) - before };
        return rate;
      },
    },
    {
      id: 'emmett.batch100',
      note: batches,
      run: async () => (await measureEmmettBatches(emmett.store, plan.batchClients, plan.batchSize, timing)).rate,
    },
    {
      id: 'pg.copy',
      note: `${plan.copyRows} rows, one psql session`,
      run: async () => (await measureCopy(db.pool, db.url, copyOne.files, plan.copyRows)).rate,
    },
  ]);
  await emmett.close();
  const line = RATIOS.find((r) => r.ours === 'appends.http.batch100' && r.baseline === 'pg.copy4')!;
  if (last.batched && last.copy4 && line.target)
    ctx.curve(
      cpuCurve('appends-batched', `HTTP batched appends (${batches}), the last round's run`, last.batched.from, last.batched.to, {
        events: last.batched.events,
        target: { rate: Math.round(line.target.value * last.copy4), name: `${line.name}, at that round's COPY rate` },
      }),
    );

  const http = new HttpClient(ingest.url, { authorization: `Bearer ${key}` }, 1);
  ctx.onCleanup(() => http.close());
  const curve = await measureStreamLengths({
    pool: db.pool,
    http,
    lengths: plan.streamLengths,
    samples: plan.lengthSamples,
    pointMs: plan.lengthPointMs,
  });
  const ms = (x: number) => Math.round(x * 10) / 10;
  ctx.curve({
    id: 'append-stream-length',
    title: 'Append latency against the length of the stream written to',
    note: `One writer, one event per append, each timed on its own (${plan.lengthSamples} appends or ${plan.lengthPointMs / 1000} s per point, at least 3, after one warm-up). Streams pre-filled in SQL (events and stream row only: the warm-up append is where such a stream gets any decision state the writer keeps, as every stream written through the store has), all of them before any timing, then a CHECKPOINT and a VACUUM (ANALYZE) of the store's tables. The points take turns, one append each in a rotating order (the store's points, then the HTTP ones), so the machine's slow spells fall on every length alike. PgEventStore appends carry the expected version; HTTP appends go through the ingest app's decision.`,
    columns: ['events in the stream', 'PgEventStore p50 ms', 'PgEventStore p99 ms', 'HTTP p50 ms', 'HTTP p99 ms', 'appends (store / HTTP)'],
    rows: curve.map((p) => [
      p.length,
      ms(p.direct.p50),
      ms(p.direct.p99),
      ms(p.http.p50),
      ms(p.http.p99),
      `${p.direct.samples} / ${p.http.samples}`,
    ]),
  });
  const short = curve[0];
  const long = curve[curve.length - 1];
  ctx.add(
    'appends.http.p99.short',
    short.http.p99,
    `${short.http.samples} appends, one at a time, to a stream of ${short.length} events (taking turns with the other lengths)`,
  );
  ctx.add(
    'appends.http.p99.long',
    long.http.p99,
    `${long.http.samples} appends, one at a time, to a stream of ${long.length} events (taking turns with the other lengths)`,
  );
}
