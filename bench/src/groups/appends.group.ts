import { join } from 'node:path';
import { measureHttpBatches, measureHttpSingles } from '../measures/http-appends.measure';
import { createBaselineTables, measureCopy, measureInserts } from '../measures/pg-baselines.measure';
import {
  measureEmmettBatches,
  measureEmmettSingles,
  measureStoreBatches,
  measureStoreSingles,
  openEmmett,
} from '../measures/store-appends.measure';
import { benchStack } from './bench-stack';
import { GroupContext } from './group-context';

/**
 * Appends next to their ceilings, on one database: raw INSERTs, PgEventStore, emmett and HTTP for single events
 * at 16 clients; then COPY, PgEventStore, emmett and HTTP for batches of 100. Neighbours in time share the
 * machine's mood, which is what keeps the ratios meaningful on a busy machine.
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
  const clients = `${plan.singleClients} clients`;
  const batches = `${plan.batchClients} clients x ${plan.batchSize} events, one new stream per batch`;

  ctx.add('pg.inserts16', (await measureInserts(db.pool, plan.singleClients, timing)).rate, clients);
  ctx.add('appends.direct.single16', (await measureStoreSingles(db.pool, plan.singleClients, plan.streamsPerClient, timing)).rate, clients);
  const emmett = await openEmmett(db.url, plan.singleClients);
  ctx.onCleanup(() => emmett.close());
  ctx.add('emmett.single16', (await measureEmmettSingles(emmett.store, plan.singleClients, plan.streamsPerClient, timing)).rate, clients);

  const copy = await measureCopy(db.url, plan.copyRows, join(config.tmpDir, ctx.input.runId));
  ctx.add('pg.copy', copy.rate, `${plan.copyRows} rows, one session`);
  ctx.add('appends.direct.batch100', (await measureStoreBatches(db.pool, plan.batchClients, plan.batchSize, timing)).rate, batches);
  ctx.add('emmett.batch100', (await measureEmmettBatches(emmett.store, plan.batchClients, plan.batchSize, timing)).rate, batches);
  await emmett.close();

  ctx.add(
    'appends.http.single16',
    (await measureHttpSingles(ingest.url, key, plan.singleClients, plan.streamsPerClient, timing)).rate,
    clients,
  );
  ctx.add('appends.http.batch100', (await measureHttpBatches(ingest.url, key, plan.batchClients, plan.batchSize, timing)).rate, batches);
}
