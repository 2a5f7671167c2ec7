import { Pool } from 'pg';
import { SseClients } from '../sse/sse-clients';
import { CpuSnapshot, snapshotCpu } from '../support/cpu-accounting';
import { benchSubject } from '../support/event-shape';
import { HttpClient } from '../support/http-client';
import { sleep } from '../support/say';
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
}): Promise<{ fixed: DeliveryRun; fixedCpu: [CpuSnapshot, CpuSnapshot]; steps: E2eStep[] }> {
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
    const fixed = await run(options.rate, options.durationMs);
    const fixedCpu: [CpuSnapshot, CpuSnapshot] = [cpuFrom, snapshotCpu()];
    const steps: E2eStep[] = [];
    for (const rate of options.sweep) {
      await settle(clients, 500, options.deliveryWaitMs);
      const r = await run(rate, options.stepMs);
      const broke = r.deliveredPercent < 99 || r.p99 > 1_000;
      steps.push({ rate, run: r, broke });
      if (broke) break;
    }
    return { fixed, fixedCpu, steps };
  } finally {
    await clients.close();
  }
}
