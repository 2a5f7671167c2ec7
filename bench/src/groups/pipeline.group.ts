import { Pool } from 'pg';
import { createBaselineTables, measureUpserts } from '../measures/pg-baselines.measure';
import { deliverySplit } from '../measures/delivery.measure';
import { drained, measureE2e, measureSustained } from '../measures/pipeline.measure';
import { CpuSnapshot, cpuCurve, snapshotCpu } from '../support/cpu-accounting';
import { targetRateOf } from '../report/ratios';
import { measureProjectorBulk } from '../measures/projector-bulk.measure';
import {
  committedEvents,
  measureProjector,
  measureProjectorChunk,
  measureRelay,
  rateBetween,
  StageRun,
} from '../measures/relay-projector.measure';
import { BenchApp } from '../support/bench-apps';
import { waitGroupStable } from '../support/bench-kafka';
import { fillEventStore } from '../support/event-fill';
import { HttpClient } from '../support/http-client';
import { sleep } from '../support/say';
import { round } from '../support/stats';
import { benchStack } from './bench-stack';
import { GroupContext } from './group-context';

const stageNote = (r: StageRun) =>
  `${r.events}${r.events < r.of ? ` of ${r.of}` : ''} events in ${Math.round(r.ms)} ms${r.gated ? '' : '; it moved before the gate opened, so it was timed from the first sample'}`;
const ms = (x: number) => (Number.isFinite(x) ? Math.round(x) : x === Infinity ? '∞' : 'n/a');
const pct = (x: number) => `${round(x, 2)}%`;

/**
 * The stages alone, then all of them together. First stack: batched upserts (a ceiling of feed-shaped writes),
 * the relay over a pre-filled store, the projector over the topic the relay filled (counting committed events
 * only), its own rows bulk-upserted (its ceiling), and chunks through 1, 2, 3 projector instances. Second, fresh
 * stack: the whole pipeline under sustained HTTP load, then end-to-end latency at fixed rates with live SSE
 * subscribers (and a step sweep until it breaks).
 */
export async function pipelineGroup(ctx: GroupContext): Promise<void> {
  const { plan } = ctx;
  const stages = await benchStack(ctx, 'stages', plan.upsertSessions + 4);
  const topic = stages.topics.names.events;
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
    topic,
    head: events,
    start: () => ctx.startApp('relay', stages.env),
    windowMs,
  });
  ctx.add('relay', relay.rate, stageNote(relay));
  if (relay.events < events && !(await drainedRelay(stages.db.pool, topic, events)))
    ctx.note('the relay had not published the whole pre-filled log');

  // A B A B: the projector's drain, the bulk baseline, a chunk through one projector (the log a little longer),
  // the bulk baseline again. The projectors are stopped while the baseline runs (it must not share the CPU).
  let projectors: BenchApp[] = [];
  const drain: { from?: CpuSnapshot } = {};
  const projector = await measureProjector({
    pool: stages.db.pool,
    topic,
    events,
    start: async () => {
      const app = await ctx.startApp('projector', stages.env);
      projectors.push(app);
      return app;
    },
    windowMs,
    onOpen: () => (drain.from = snapshotCpu()),
  });
  // What the drain cost: the projector, Postgres and the broker it reads, an event.
  if (drain.from)
    ctx.curve(
      cpuCurve('projector', 'the projector draining the pre-filled topic', drain.from, snapshotCpu(), {
        events: projector.events,
        target: targetRateOf('projector'),
      }),
    );
  if (!(await waitCommitted(stages.db.pool, topic, events, 10_000)))
    ctx.note('the projector had not committed the whole pre-filled log 10 s after its window; the first chunk drains the rest with it');
  const stopProjectors = async () => {
    await Promise.all(projectors.map((p) => p.stop()));
    projectors = [];
  };
  await stopProjectors();
  const committed = await committedEvents(stages.db.pool, topic);
  const bulk1 = await measureProjectorBulk(stages.db.pool, committed, plan.upsertSessions);
  ctx.log(
    `projector.bulk run 1: ${round(bulk1.rate, 0)} events/s (${bulk1.rows} rows in ${bulk1.tables} tables, ${Math.round(bulk1.ms)} ms)`,
  );

  // Projector instances (consumer-group members) 1, 2, 3: each gets the same chunk on the same log.
  const chunkRows: Array<Array<string | number | null>> = [];
  let chunkSeq = 0;
  const chunkFill = () => fillEventStore(stages.db.pool, { events: plan.projectorChunk, streams: 200, scope: `chunk${chunkSeq++}` });
  // Every event of this store went to the topic, from offset 0: the topic holds the store's head.
  const published = async () =>
    Number((await stages.db.pool.query('SELECT max(global_position) AS head FROM event_store.events')).rows[0].head);
  let firstChunk: StageRun | null = null;
  for (const instances of plan.projectorInstances) {
    await stopProjectors();
    projectors = await Promise.all(Array.from({ length: instances }, () => ctx.startApp('projector', stages.env)));
    // The consumer group settled (every member joined, partitions assigned) before the chunk.
    if (!(await waitGroupStable(ctx.config.kafkaBrokers, stages.env.PROJECTOR_GROUP_ID, instances, 30_000)))
      ctx.note(`the projector group was not stable with ${instances} members after 30 s; its chunk includes a rebalance`);
    const logSize = await committedEvents(stages.db.pool, topic);
    const run = await measureProjectorChunk({
      pool: stages.db.pool,
      topic,
      chunk: plan.projectorChunk,
      fill: chunkFill,
      published,
      windowMs,
    });
    firstChunk ??= run;
    chunkRows.push([instances, logSize, `${run.events}${run.events < run.of ? ` of ${run.of}` : ''}`, run.rate]);
  }
  ctx.curve({
    id: 'projector-instances',
    title: 'Projector instances (consumer-group members, 6 partitions)',
    note: `Each row: a chunk of ${plan.projectorChunk} events appended in SQL while the projectors wait at a gate, published by the relay, then timed from the gate's opening until every event on the topic is committed (checkpoints).`,
    columns: ['instances', 'events already in the read models', 'events committed', 'events/s'],
    rows: chunkRows,
  });
  await stopProjectors();
  const bulk2 = await measureProjectorBulk(stages.db.pool, await committedEvents(stages.db.pool, topic), plan.upsertSessions);
  ctx.log(`projector.bulk run 2: ${round(bulk2.rate, 0)} events/s (${bulk2.rows} rows in ${bulk2.tables} tables)`);

  const projectorSamples = [projector.rate, ...(firstChunk ? [firstChunk.rate] : [])];
  ctx.add(
    'projector',
    projectorSamples.reduce((a, b) => a + b, 0) / projectorSamples.length,
    `run 1: the drain of the pre-filled topic, ${stageNote(projector)}; run 2: a chunk of ${plan.projectorChunk} events on top of it, one instance`,
    projectorSamples,
  );
  ctx.add(
    'projector.bulk',
    (bulk1.rate + bulk2.rate) / 2,
    `${bulk1.rows} rows in ${bulk1.tables} read-model tables for ${committed} events, INSERT ... SELECT per table, ${plan.upsertSessions} sessions, projectors stopped`,
    [bulk1.rate, bulk2.rate],
  );
  const first = Math.min(10_000, Math.floor(events / 10));
  ctx.curve({
    id: 'projector-log-size',
    title: 'Projector rate against the size of the log',
    note: `From the drain of the pre-filled topic (committed events sampled every 50 ms) and a chunk of ${plan.projectorChunk} events once the log holds more; the rebuild group adds the point on its (larger) rebuilt log. A drain of 1,000,000 events would take minutes of the 15-minute budget, hence chunks on a big log instead.`,
    columns: ['events already in the read models', 'events timed', 'events/s'],
    rows: [
      [0, first, rateBetween(projector.samples, 0, first)],
      [events - first, first, rateBetween(projector.samples, events - first, events)],
      [0, projector.events, projector.rate],
      ...(firstChunk ? [[chunkRows[0][1], firstChunk.events, firstChunk.rate]] : []),
    ],
  });
  await ctx.stopApps();

  const live = await benchStack(ctx, 'live', 4);
  // The relay first: it creates the topics the others subscribe to.
  await ctx.startApp('relay', live.env);
  const [ingest, query] = await Promise.all([
    ctx.startApp('ingest', live.env),
    ctx.startApp('query', live.env),
    ctx.startApp('projector', live.env),
  ]);
  const http = new HttpClient(ingest.url, { authorization: `Bearer ${live.key}` }, plan.pipelineClients + 16);
  ctx.onCleanup(() => http.close());
  const sustainedFrom = snapshotCpu();
  // Events in the read model at each end of the CPU window: what the stack's CPU carried (the few accepted but not yet
  // projected at its end, at most the load's bound, count as CPU without events: the cost an event errs high).
  const projectedBefore = await committedEvents(live.db.pool, live.topics.names.events);
  const sustained = await measureSustained({
    pool: live.db.pool,
    http,
    clients: plan.pipelineClients,
    batch: plan.batchSize,
    maxLag: plan.pipelineMaxLag,
    // The four apps were just started: the load runs untimed until they are warm (see appWarmupMs).
    warmupMs: Math.max(plan.warmupMs, plan.appWarmupMs),
    measureMs: plan.pipelineMs,
  });
  ctx.add(
    'pipeline.sustained',
    sustained.rate,
    `${plan.pipelineClients} writers x ${plan.batchSize} events, at most ${plan.pipelineMaxLag} accepted events not yet in the read model; HTTP accepted ${round(sustained.acceptedRate, 0)}/s`,
  );
  const sustainedTo = snapshotCpu();
  ctx.curve(
    cpuCurve('pipeline', 'the sustained pipeline (warm-up and window)', sustainedFrom, sustainedTo, {
      events: (await committedEvents(live.db.pool, live.topics.names.events)) - projectedBefore,
      target: targetRateOf('pipeline.sustained'),
    }),
  );
  if (!(await drained(live.db.pool, sustained.maxAccepted, 60_000)))
    ctx.note('the pipeline had not drained 60 s after the sustained run; latency was measured with a backlog');

  const sweepRows: Array<Array<string | number | null>> = [];
  for (const [i, subscribers] of plan.e2eSubscribers.entries()) {
    const e2e = await measureE2e({
      pool: live.db.pool,
      http,
      streamUrl: `${query.url}/v1/feed/stream`,
      subscribers,
      processes: plan.clientProcesses,
      rate: plan.e2eRate,
      sweep: plan.sweepRates[i] ?? [],
      warmupMs: Math.max(plan.warmupMs, 1_000),
      durationMs: plan.latencyMs,
      stepMs: plan.sweepStepMs,
      deliveryWaitMs: plan.deliveryWaitMs,
      stages: ctx.config.e2eStages,
    });
    const f = e2e.fixed;
    const split = deliverySplit(f.items);
    if (e2e.stages) {
      const t = e2e.stages;
      const leg = ([p50, p99]: [number, number]) => `${ms(p50)} / ${ms(p99)}`;
      ctx.note(
        `e2e legs at ${subscribers} subscribers, ${plan.e2eRate} events/s (--e2e-stages, polled every ${t.pollMs} ms, ${t.items} items; p50 / p99 ms): accepted -> committed ${leg(t.committed)}, -> relay checkpoint ${leg(t.published)}, -> feed watermark ${leg(t.projected)}, -> first frame ${leg(t.delivered)}`,
      );
    }
    ctx.curve(cpuCurve(`e2e${subscribers}`, `end to end, ${subscribers} subscribers at ${plan.e2eRate} events/s`, ...e2e.fixedCpu));
    const conditions = `${subscribers} SSE subscribers, ${plan.e2eRate} events/s for ${round(plan.latencyMs / 1000)} s (${round(f.achievedRate, 0)}/s written); ${f.delivered} of ${f.expected} frames within ${round(plan.deliveryWaitMs / 1000)} s of the last write (a missing frame counts as ∞); p50 ${ms(f.p50)} ms, p95 ${ms(f.p95)} ms${f.closedByServer ? `; ${f.closedByServer} subscribers dropped` : ''}; item by item, the first frame p50 / p99 ${ms(split.firstP50)} / ${ms(split.firstP99)} ms (accepted -> the first subscriber) and the last frame after it p50 / p99 ${ms(split.spreadP50)} / ${ms(split.spreadP99)} ms (the fan-out to every subscriber); Postgres in the window: ${e2e.maintenance.checkpoints} checkpoint(s) completed, ${e2e.maintenance.autovacuums} autovacuum(s), ${e2e.maintenance.autoanalyzes} autoanalyze(s)`;
    const last = i === plan.e2eSubscribers.length - 1;
    if (i === 0) {
      ctx.add('e2e.sse100.p99', f.p99, conditions);
      ctx.add('e2e.sse100.delivered', f.deliveredPercent, conditions);
    }
    if (last) {
      ctx.add('e2e.sse1000.p50', f.p50, conditions);
      ctx.add('e2e.sse1000.p99', f.p99, conditions);
      ctx.add('e2e.sse1000.delivered', f.deliveredPercent, conditions);
    }
    for (const step of [{ rate: plan.e2eRate, run: f, broke: f.deliveredPercent < 99 || f.p99 > 1_000 }, ...e2e.steps])
      sweepRows.push([
        subscribers,
        step.rate,
        round(step.run.achievedRate, 0),
        ms(step.run.p50),
        ms(step.run.p99),
        pct(step.run.deliveredPercent),
        step.broke ? 'breaks' : 'holds',
      ]);
  }
  ctx.curve({
    id: 'e2e-sweep',
    title: 'End-to-end latency (HTTP accept -> SSE frame) at fixed rates, then a step sweep',
    note: `Rates fixed by the plan (never derived from our own results). A step "breaks" when fewer than 99% of the frames arrived within ${round(plan.deliveryWaitMs / 1000)} s of the last write, or p99 is over 1 s; the sweep stops there. The bare SSE server's ceiling at a subscriber count is its fan-out rate / subscribers (see the fanout figures).`,
    columns: ['subscribers', 'events/s asked', 'events/s written', 'p50 ms', 'p99 ms', 'delivered', ''],
    rows: sweepRows,
  });
}

/** The projector stage needs the whole pre-filled log on the topic: give a slow relay a little more time. */
async function drainedRelay(pool: Pool, topic: string, head: number): Promise<boolean> {
  for (let i = 0; i < 300; i++) {
    const { rows } = await pool.query('SELECT position FROM event_store.relay_checkpoints WHERE name = $1', [topic]);
    if (Number(rows[0]?.position ?? 0) >= head) return true;
    await sleep(200);
  }
  return false;
}

async function waitCommitted(pool: Pool, topic: string, events: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await committedEvents(pool, topic)) >= events) return true;
    await sleep(200);
  }
  return false;
}
