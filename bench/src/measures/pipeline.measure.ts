import { Pool } from 'pg';
import { SseClients } from '../sse/sse-clients';
import { CpuSnapshot, snapshotCpu } from '../support/cpu-accounting';
import { benchSubject } from '../support/event-shape';
import { HttpClient } from '../support/http-client';
import { sleep } from '../support/say';
import { percentile } from '../support/stats';
import { DeliveryRun, measureDelivery, settle } from './delivery.measure';
import { postBatch } from './http-appends.measure';

/** The feed watermark: every event at or below it is in the read model. */
async function feedWatermark(pool: Pool): Promise<bigint> {
  const { rows } = await pool.query('SELECT position FROM read_model.feed_watermark WHERE id = 1');
  return BigInt(rows[0]?.position ?? 0);
}

/**
 * Sustained whole-pipeline throughput: writers post batches over HTTP as fast as the pipeline absorbs them (a
 * writer waits while more than `maxLag` accepted events are not yet in the read model, so no backlog builds up),
 * and the figure is how fast the read model's watermark advances over the measuring window.
 */
export async function measureSustained(options: {
  pool: Pool;
  http: HttpClient;
  clients: number;
  batch: number;
  maxLag: number;
  warmupMs: number;
  measureMs: number;
}): Promise<{ rate: number; accepted: number; acceptedRate: number; maxAccepted: bigint }> {
  let watermark = await feedWatermark(options.pool);
  let maxAccepted = watermark;
  let accepted = 0;
  let running = true;
  const samples: Array<{ at: number; wm: bigint }> = [];
  const poller = (async () => {
    while (running) {
      watermark = await feedWatermark(options.pool);
      samples.push({ at: performance.now(), wm: watermark });
      await sleep(50);
    }
  })();
  const started = performance.now();
  const from = started + options.warmupMs;
  const to = from + options.measureMs;
  let seq = 0;
  const writer = async (w: number) => {
    while (performance.now() < to) {
      if (maxAccepted - watermark > BigInt(options.maxLag)) {
        await sleep(5);
        continue;
      }
      const r = await postBatch(options.http, benchSubject(`pl${w}`, seq++), options.batch, seq * options.batch);
      accepted += r.count;
      if (r.maxPosition > maxAccepted) maxAccepted = r.maxPosition;
    }
  };
  try {
    await Promise.all(Array.from({ length: options.clients }, (_, w) => writer(w)));
  } finally {
    running = false;
    await poller;
  }
  const first = samples.find((s) => s.at >= from) ?? samples[0];
  const last = [...samples].reverse().find((s) => s.at <= to) ?? samples[samples.length - 1];
  const rate = last.at > first.at ? (Number(last.wm - first.wm) * 1000) / (last.at - first.at) : 0;
  return { rate, accepted, acceptedRate: (accepted * 1000) / (performance.now() - started), maxAccepted };
}

/** Waits until the read model holds everything up to `position` (or the timeout passes); true when it does. */
export async function drained(pool: Pool, position: bigint, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await feedWatermark(pool)) >= position) return true;
    await sleep(100);
  }
  return false;
}

/** Postgres's background work that a latency window may run into: checkpoints completed, autovacuum and autoanalyze runs. */
export interface Maintenance {
  checkpoints: number;
  autovacuums: number;
  autoanalyzes: number;
}

async function maintenanceCounters(pool: Pool): Promise<Maintenance> {
  // Postgres 17 moved the checkpoint counters from pg_stat_bgwriter to pg_stat_checkpointer.
  const { rows: v } = await pool.query<{ n: number }>("SELECT current_setting('server_version_num')::int AS n");
  const checkpoints =
    v[0].n >= 170000
      ? 'SELECT num_timed + num_requested AS n FROM pg_stat_checkpointer'
      : 'SELECT checkpoints_timed + checkpoints_req AS n FROM pg_stat_bgwriter';
  const [{ rows: c }, { rows: t }] = await Promise.all([
    pool.query<{ n: string }>(checkpoints),
    pool.query<{ v: string; a: string }>(
      'SELECT coalesce(sum(autovacuum_count), 0) AS v, coalesce(sum(autoanalyze_count), 0) AS a FROM pg_stat_all_tables',
    ),
  ]);
  return { checkpoints: Number(c[0].n), autovacuums: Number(t[0].v), autoanalyzes: Number(t[0].a) };
}

/** Each item's way from accepted to the first subscriber, in four legs (ms, p50 and p99 over the items). */
export interface E2eStages {
  items: number;
  pollMs: number;
  /** recordedAt (stamped in the append's transaction) -> the event visible to a reader (committed, WAL flushed). */
  committed: [number, number];
  /** committed -> the relay's checkpoint passed it (published to Kafka, acknowledged, checkpoint saved). */
  published: [number, number];
  /** published -> the feed's watermark passed it (the projector committed it and every position before it). */
  projected: [number, number];
  /** projected -> its first frame at a subscriber (the query service's tail read it and wrote it out). */
  delivered: [number, number];
}

/**
 * Polls the store's head, the relay's checkpoint and the feed's watermark every `pollMs` while a window runs; the
 * function it returns stops the polls and turns the moments each position was first seen passed into legs, for the
 * items the subscribers received (keyed by their `recordedAt`, as the frames carry it). The polls are queries on the
 * measured Postgres: an opt-in diagnostic.
 */
function stageTracer(pool: Pool, pollMs: number) {
  const seen: Array<{ at: number; head: bigint; relay: bigint; feed: bigint }> = [];
  let running = true;
  const from = feedWatermark(pool);
  const loop = (async () => {
    while (running) {
      const { rows } = await pool.query(
        `SELECT (SELECT max(global_position) FROM event_store.events) AS head,
                (SELECT max(position) FROM event_store.relay_checkpoints) AS relay,
                (SELECT position FROM read_model.feed_watermark WHERE id = 1) AS feed`,
      );
      seen.push({ at: Date.now(), head: BigInt(rows[0].head ?? 0), relay: BigInt(rows[0].relay ?? 0), feed: BigInt(rows[0].feed ?? 0) });
      await sleep(pollMs);
    }
  })();
  return async (items: Map<string, [number, number]> | undefined): Promise<E2eStages> => {
    running = false;
    await loop;
    const { rows } = await pool.query<{ position: string; recorded_at: Date }>(
      'SELECT global_position AS position, recorded_at FROM event_store.events WHERE global_position > $1 ORDER BY global_position',
      [String(await from)],
    );
    // The last position of each recordedAt (the events of one batch share it): the item is whole once it is passed.
    const lastOf = new Map<string, bigint>();
    for (const r of rows) lastOf.set(r.recorded_at.toISOString(), BigInt(r.position));
    const firstPast = (key: 'head' | 'relay' | 'feed', position: bigint) => seen.find((s) => s[key] >= position)?.at;
    const legs: [number[], number[], number[], number[]] = [[], [], [], []];
    for (const [stamp, [first]] of items ?? []) {
      const position = lastOf.get(stamp);
      if (position === undefined) continue;
      const recorded = Date.parse(stamp);
      const committed = firstPast('head', position);
      const published = firstPast('relay', position);
      const projected = firstPast('feed', position);
      if (committed === undefined || published === undefined || projected === undefined) continue;
      legs[0].push(committed - recorded);
      legs[1].push(published - committed);
      legs[2].push(projected - published);
      legs[3].push(recorded + first - projected);
    }
    const p = (xs: number[]): [number, number] => [percentile(xs, 50), percentile(xs, 99)];
    return { items: legs[0].length, pollMs, committed: p(legs[0]), published: p(legs[1]), projected: p(legs[2]), delivered: p(legs[3]) };
  };
}

export interface E2eStep {
  rate: number;
  run: DeliveryRun;
  /** Fewer than 99% delivered within the wait, or p99 over a second: past this rate the pipeline keeps no pace. */
  broke: boolean;
}

/**
 * End-to-end latency from HTTP accept (the event's recordedAt, stamped by Postgres on this machine's clock) to
 * the SSE frame arriving at a subscriber, with `subscribers` live subscribers: a warm-up, the fixed rate for
 * `durationMs`, then the sweep's rates for `stepMs` each until one breaks. Rates are fixed by the plan, never
 * derived from our own results. Missing frames count as infinitely late.
 */
export async function measureE2e(options: {
  pool: Pool;
  http: HttpClient;
  streamUrl: string;
  subscribers: number;
  processes: number;
  rate: number;
  sweep: number[];
  warmupMs: number;
  durationMs: number;
  stepMs: number;
  deliveryWaitMs: number;
  /** Poll the store's head, the relay's checkpoint and the feed's watermark in the fixed window (see E2eStages). */
  stages?: boolean;
}): Promise<{
  fixed: DeliveryRun;
  fixedCpu: [CpuSnapshot, CpuSnapshot];
  maintenance: Maintenance;
  stages: E2eStages | null;
  steps: E2eStep[];
}> {
  const after = await feedWatermark(options.pool);
  const clients = await SseClients.open(`${options.streamUrl}?after=${after}`, options.subscribers, options.processes);
  let seq = 0;
  const write = async (n: number) => (await postBatch(options.http, benchSubject(`lat${options.subscribers}`, seq++), n, seq * 100)).count;
  const run = (rate: number, durationMs: number) =>
    measureDelivery({
      clients,
      subscribers: options.subscribers,
      ratePerSecond: rate,
      durationMs,
      deliveryWaitMs: options.deliveryWaitMs,
      write,
    });
  try {
    await run(options.rate, options.warmupMs);
    await settle(clients);
    const cpuFrom = snapshotCpu();
    const maintenanceFrom = await maintenanceCounters(options.pool);
    const trace = options.stages ? stageTracer(options.pool, 5) : null;
    const fixed = await run(options.rate, options.durationMs);
    const stages = trace ? await trace(fixed.items) : null;
    const fixedCpu: [CpuSnapshot, CpuSnapshot] = [cpuFrom, snapshotCpu()];
    const maintenanceTo = await maintenanceCounters(options.pool);
    const maintenance: Maintenance = {
      checkpoints: maintenanceTo.checkpoints - maintenanceFrom.checkpoints,
      autovacuums: maintenanceTo.autovacuums - maintenanceFrom.autovacuums,
      autoanalyzes: maintenanceTo.autoanalyzes - maintenanceFrom.autoanalyzes,
    };
    const steps: E2eStep[] = [];
    for (const rate of options.sweep) {
      await settle(clients, 500, options.deliveryWaitMs);
      const r = await run(rate, options.stepMs);
      const broke = r.deliveredPercent < 99 || r.p99 > 1_000;
      steps.push({ rate, run: r, broke });
      if (broke) break;
    }
    return { fixed, fixedCpu, maintenance, stages, steps };
  } finally {
    await clients.close();
  }
}
