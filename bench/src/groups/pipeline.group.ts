import { Pool } from 'pg';
import { createBaselineTables, measureUpserts } from '../measures/pg-baselines.measure';
import { drained, measureLatency, measureSustained } from '../measures/pipeline.measure';
import { measureProjector, measureRelay, StageRun } from '../measures/relay-projector.measure';
import { fillEventStore } from '../support/event-fill';
import { HttpClient } from '../support/http-client';
import { round } from '../support/stats';
import { benchStack } from './bench-stack';
import { GroupContext } from './group-context';

const stageNote = (r: StageRun) =>
  `${r.events}${r.events < r.of ? ` of ${r.of}` : ''} events in ${Math.round(r.ms)} ms${r.gated ? '' : '; it moved before the gate opened, so it was timed from the first sample'}`;

/**
 * The stages alone, then all of them together. First stack: batched upserts (the projector's ceiling), the relay
 * over a pre-filled store, the projector over the topic the relay filled. Second, fresh stack (so no backlog of
 * the first one lingers): the whole pipeline under sustained HTTP load, then end-to-end latency at half that
 * rate with live SSE subscribers.
 */
export async function pipelineGroup(ctx: GroupContext): Promise<void> {
  const { plan } = ctx;
  const stages = await benchStack(ctx, 'stages', plan.upsertSessions + 3);
  await createBaselineTables(stages.db.pool);
  const upserts = await measureUpserts(stages.db.pool, {
    sessions: plan.upsertSessions,
    batch: plan.upsertBatch,
    warmupMs: plan.warmupMs,
    measureMs: plan.measureMs,
  });
  ctx.add('pg.upserts', upserts.rate, `${plan.upsertSessions} sessions x ${plan.upsertBatch} rows per statement`);
  await stages.db.pool.query('DROP SCHEMA bench CASCADE');

  const events = plan.relayEvents;
  await fillEventStore(stages.db.pool, { events, streams: 2000, scope: 'pre' });
  ctx.log(`event store pre-filled with ${events} events`);
  const windowMs = plan.stageWindowMs;
  const relay = await measureRelay({
    pool: stages.db.pool,
    topic: stages.topics.names.events,
    head: events,
    start: () => ctx.startApp('relay', stages.env),
    windowMs,
  });
  ctx.add('relay', relay.rate, stageNote(relay));
  if (relay.events < events && !(await drainedRelay(stages.db.pool, stages.topics.names.events, events)))
    ctx.note('the relay had not published the whole pre-filled log');
  const projector = await measureProjector({ pool: stages.db.pool, events, start: () => ctx.startApp('projector', stages.env), windowMs });
  ctx.add('projector', projector.rate, stageNote(projector));
  await ctx.stopApps();

  const live = await benchStack(ctx, 'live', 4);
  // The relay first: it creates the topics the others subscribe to.
  await ctx.startApp('relay', live.env);
  const [ingest, query] = await Promise.all([
    ctx.startApp('ingest', live.env),
    ctx.startApp('query', live.env),
    ctx.startApp('projector', live.env),
  ]);
  const http = new HttpClient(ingest.url, { authorization: `Bearer ${live.key}` }, plan.pipelineClients + 8);
  ctx.onCleanup(() => http.close());
  const sustained = await measureSustained({
    pool: live.db.pool,
    http,
    clients: plan.pipelineClients,
    batch: plan.batchSize,
    maxLag: plan.pipelineMaxLag,
    warmupMs: Math.max(plan.warmupMs, 1_000),
    measureMs: plan.pipelineMs,
  });
  ctx.add(
    'pipeline.sustained',
    sustained.rate,
    `${plan.pipelineClients} writers x ${plan.batchSize} events, at most ${plan.pipelineMaxLag} accepted events not yet in the read model; HTTP accepted ${round(sustained.acceptedRate, 0)}/s`,
  );
  if (!(await drained(live.db.pool, sustained.maxAccepted, 60_000)))
    ctx.note('the pipeline had not drained 60 s after the sustained run; latency was measured with a backlog');

  const latency = await measureLatency({
    pool: live.db.pool,
    http,
    streamUrl: `${query.url}/v1/feed/stream`,
    subscribers: plan.subscribers,
    processes: plan.clientProcesses,
    ratePerSecond: Math.max(1, sustained.rate / 2),
    warmupMs: Math.max(plan.warmupMs, 1_000),
    durationMs: plan.latencyMs,
  });
  const conditions = `${plan.subscribers} subscribers at ${round(latency.rate, 0)} events/s; ${latency.delivered} of ${latency.expected} deliveries${latency.closedByServer ? `; ${latency.closedByServer} subscribers dropped` : ''}`;
  ctx.add('e2e.rate', latency.rate, `half of the sustained ${round(sustained.rate, 0)} events/s`);
  ctx.add('e2e.p50', latency.p50, conditions);
  ctx.add('e2e.p95', latency.p95, conditions);
  ctx.add('e2e.p99', latency.p99, conditions);
}

/** The projector stage needs the whole pre-filled log on the topic: give a slow relay a little more time. */
async function drainedRelay(pool: Pool, topic: string, head: number): Promise<boolean> {
  for (let i = 0; i < 300; i++) {
    const { rows } = await pool.query('SELECT position FROM event_store.relay_checkpoints WHERE name = $1', [topic]);
    if (Number(rows[0]?.position ?? 0) >= head) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}
