import { SseClients } from '../sse/sse-clients';
import { pacedLoop } from '../support/load';
import { sleep } from '../support/say';
import { percentile } from '../support/stats';

export interface DeliveryRun {
  p50: number;
  p95: number;
  /** Infinity when fewer than 99% of the expected frames arrived (a missing frame counts as infinitely late). */
  p99: number;
  /** Frames received / items written x subscribers, in percent. */
  deliveredPercent: number;
  delivered: number;
  expected: number;
  /** Items actually written per second (below the asked rate when the writer could not keep up). */
  achievedRate: number;
  closedByServer: number;
  /** Per item (its `recordedAt`), the earliest and latest delay of its frames, over every subscriber. */
  items: Map<string, [number, number]>;
}

/**
 * Where the delay is, item by item: `first` is each item's earliest frame (accepted -> the first subscriber: the
 * pipeline up to the query service's fan-out), `spread` its latest frame's delay beyond that (the fan-out to every
 * subscriber, and the client processes reading). Over the frames that arrived (missing ones are in a run's p99).
 */
export interface DeliverySplit {
  items: number;
  firstP50: number;
  firstP99: number;
  spreadP50: number;
  spreadP99: number;
}

/** Items' earliest delays and their spread to the latest frame, from a run's per-item view (DeliveryRun's `items`). */
export function deliverySplit(items: Map<string, [number, number]> | undefined): DeliverySplit {
  const all = [...(items?.values() ?? [])];
  const first = all.map(([f]) => f);
  const spread = all.map(([f, l]) => l - f);
  return {
    items: all.length,
    firstP50: percentile(first, 50),
    firstP99: percentile(first, 99),
    spreadP50: percentile(spread, 50),
    spreadP99: percentile(spread, 99),
  };
}

/** Waits until the subscribers' frame count has not moved for `quietMs` (at most `maxMs`): nothing left in flight. */
export async function settle(clients: SseClients, quietMs = 500, maxMs = 10_000): Promise<void> {
  const started = performance.now();
  let last = (await clients.stats()).frames;
  let since = performance.now();
  while (performance.now() - started < maxMs) {
    await sleep(100);
    const frames = (await clients.stats()).frames;
    if (frames !== last) {
      last = frames;
      since = performance.now();
    } else if (performance.now() - since >= quietMs) return;
  }
}

/**
 * Live delivery at a fixed rate: `write(n)` puts n items in (over HTTP or straight into the read model) and
 * resolves with how many it wrote; every subscriber should receive each of them. Counting starts from zero
 * (call `settle` first so nothing earlier is still arriving); after writing stops the frames get
 * `deliveryWaitMs` to arrive, and every frame still missing then counts as never delivered.
 */
export async function measureDelivery(options: {
  clients: SseClients;
  subscribers: number;
  ratePerSecond: number;
  durationMs: number;
  deliveryWaitMs: number;
  write: (n: number) => Promise<number>;
}): Promise<DeliveryRun> {
  // Only items recorded from now on count (every item this run writes is recorded after this instant).
  await options.clients.stats(true, Date.now());
  let written = 0;
  const load = await pacedLoop(
    { ratePerSecond: options.ratePerSecond, durationMs: options.durationMs, maxBatch: 100, maxInFlight: 16, tickMs: 50 },
    async (n) => {
      // Read `written` only after the write: `written += await ...` would add to a value read before it.
      const done = await options.write(n);
      written += done;
    },
  );
  if (load.errors) throw new Error(`the writer failed ${load.errors} times: ${load.firstError}`);
  const expected = written * options.subscribers;
  const waitUntil = performance.now() + options.deliveryWaitMs;
  let stats = await options.clients.stats();
  while (stats.frames < expected && performance.now() < waitUntil && stats.open > 0) {
    await sleep(100);
    stats = await options.clients.stats();
  }
  const items = (await options.clients.stats(false, undefined, true)).items ?? new Map<string, [number, number]>();
  return {
    items,
    p50: stats.latency.percentile(50, expected),
    p95: stats.latency.percentile(95, expected),
    p99: stats.latency.percentile(99, expected),
    deliveredPercent: expected ? Math.min(100, (stats.frames / expected) * 100) : 0,
    delivered: stats.frames,
    expected,
    achievedRate: (written * 1000) / options.durationMs,
    closedByServer: stats.closedByServer,
  };
}
