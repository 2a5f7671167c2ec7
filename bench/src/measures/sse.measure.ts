import { SseClients } from '../sse/sse-clients';
import { settle } from './delivery.measure';
import { rssKiB } from '../support/bench-apps';
import { sleep } from '../support/say';
import { percentile } from '../support/stats';

/** RSS of a process sampled a few times (the median, so one GC in flight does not decide the figure). */
async function steadyRss(pid: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    samples.push(rssKiB(pid));
    await sleep(200);
  }
  return percentile(samples, 50);
}

/**
 * Memory per idle subscriber: the server's RSS with `count` idle SSE connections open, minus its RSS before
 * (after a warm-up that opened and closed a few, so lazily loaded code is not counted), over `count`.
 */
export async function measureIdleMemory(options: {
  url: string;
  pid: number;
  count: number;
  processes: number;
  settleMs: number;
}): Promise<{ kib: number; before: number; after: number }> {
  const warm = await SseClients.open(options.url, Math.min(50, options.count), 1);
  await sleep(300);
  await warm.close();
  await sleep(options.settleMs);
  const before = await steadyRss(options.pid);
  const clients = await SseClients.open(options.url, options.count, options.processes);
  try {
    await sleep(options.settleMs);
    const after = await steadyRss(options.pid);
    const stats = await clients.stats();
    if (stats.open < options.count) throw new Error(`only ${stats.open} of ${options.count} idle subscribers stayed connected`);
    return { kib: (after - before) / options.count, before, after };
  } finally {
    await clients.close();
  }
}

export interface FanoutResult {
  deliveriesPerSecond: number;
  delivered: number;
  expected: number;
  ms: number;
  p99: number;
  closedByServer: number;
}

/**
 * Fan-out throughput: `subscribers` live SSE connections, `events` items pushed at once by `inject`; the time until
 * every subscriber has every item. Deliveries per second = events x subscribers / that time.
 */
export async function measureFanout(options: {
  url: string;
  subscribers: number;
  processes: number;
  events: number;
  timeoutMs: number;
  inject: () => Promise<void>;
}): Promise<FanoutResult> {
  const clients = await SseClients.open(options.url, options.subscribers, options.processes);
  try {
    await settle(clients);
    await clients.stats(true, Date.now());
    const expected = options.events * options.subscribers;
    const started = performance.now();
    const injecting = options.inject();
    let stats = await clients.stats();
    while (stats.frames < expected && performance.now() - started < options.timeoutMs) {
      await sleep(50);
      stats = await clients.stats();
      if (stats.open === 0) break;
    }
    const ms = performance.now() - started;
    await injecting;
    return {
      deliveriesPerSecond: (stats.frames * 1000) / ms,
      delivered: stats.frames,
      expected,
      ms,
      p99: stats.latency.percentile(99, expected),
      closedByServer: stats.closedByServer,
    };
  } finally {
    await clients.close();
  }
}
