import { Pool } from 'pg';
import { SseClients } from '../sse/sse-clients';
import { benchSubject } from '../support/event-shape';
import { HttpClient } from '../support/http-client';
import { pacedLoop } from '../support/load';
import { sleep } from '../support/say';
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

export interface LatencyRun {
  p50: number;
  p95: number;
  p99: number;
  rate: number;
  delivered: number;
  expected: number;
  closedByServer: number;
}

/**
 * End-to-end latency from HTTP accept (the event's recordedAt, stamped by Postgres on this machine's clock) to
 * the SSE frame arriving at a subscriber, with `subscribers` live subscribers, the writer posting at a fixed rate.
 */
export async function measureLatency(options: {
  pool: Pool;
  http: HttpClient;
  streamUrl: string;
  subscribers: number;
  processes: number;
  ratePerSecond: number;
  warmupMs: number;
  durationMs: number;
}): Promise<LatencyRun> {
  const after = await feedWatermark(options.pool);
  const clients = await SseClients.open(`${options.streamUrl}?after=${after}`, options.subscribers, options.processes);
  try {
    let seq = 0;
    let counted = 0;
    let measuring = false;
    const warm = setTimeout(() => {
      measuring = true;
      void clients.stats(true);
    }, options.warmupMs);
    const load = await pacedLoop(
      {
        ratePerSecond: options.ratePerSecond,
        durationMs: options.warmupMs + options.durationMs,
        maxBatch: 100,
        maxInFlight: 16,
        tickMs: 50,
      },
      async (n) => {
        const counts = measuring;
        const r = await postBatch(options.http, benchSubject('lat', seq++), n, seq * 100);
        if (counts) counted += r.count;
      },
    );
    clearTimeout(warm);
    if (load.errors) throw new Error(`the latency writer failed ${load.errors} times: ${load.firstError}`);
    // Let the last items reach everyone before reading the latencies.
    let stats = await clients.stats();
    for (let i = 0; i < 40 && stats.frames < counted * options.subscribers; i++) {
      await sleep(250);
      stats = await clients.stats();
    }
    return {
      p50: stats.latency.percentile(50),
      p95: stats.latency.percentile(95),
      p99: stats.latency.percentile(99),
      rate: (load.sent * 1000) / (options.warmupMs + options.durationMs),
      delivered: stats.frames,
      expected: counted * options.subscribers,
      closedByServer: stats.closedByServer,
    };
  } finally {
    await clients.close();
  }
}
