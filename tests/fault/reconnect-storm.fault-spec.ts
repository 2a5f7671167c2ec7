import {
  createFaultWorld,
  FaultStack,
  FaultWorld,
  feedPositions,
  LoadGenerator,
  pollUntil,
  report,
  sleep,
  waitCaughtUp,
} from '@newsroom/testing';
import { checkSequence, metricValue, seconds, StormClient } from './fault-checks.util';

/**
 * Issue 10, scenario 4: a reconnect storm. 50 clients (25 SSE, 25 WebSocket) drop their connection abruptly
 * and resume every 0.1-1.5 s for 20 s while events are ingested. Afterwards every client saw every item exactly
 * once in order, and the query instance is back to its baseline: no subscription left open, no leaked handles,
 * memory within a generous bound (read from its /metrics).
 */
const CLIENTS = 50;
const STORM_MS = 12_000;
const MB = 1024 * 1024;
// Handles that may legitimately stay after the storm: idle Postgres clients (pool max 10, closed after 30 s idle)
// and a few timers. A leak grows with the 1000+ connections of the storm, far past this.
const HANDLES_SLACK = 15;
// RSS the query instance may keep above its baseline once the storm is over.
const RSS_SLACK = 200 * MB;

describe('fault: SSE and WebSocket reconnect storm with resume', () => {
  let world: FaultWorld | undefined;
  let stack: FaultStack | undefined;

  beforeAll(async () => {
    world = await createFaultWorld('reconnect_storm');
    stack = await FaultStack.start({ label: 'reconnect-storm', databaseUrl: world.db.url, brokers: world.brokers });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await world?.destroy();
  }, 60_000);

  it('delivers every item once to every client and returns to baseline', async () => {
    const query = stack!.url('query');
    // Baseline after a warm-up connection of each kind (first use loads code and allocates pools).
    const warm = [new StormClient(query, 'sse'), new StormClient(query, 'ws')];
    await Promise.all(warm.map((c) => c.finish('0', 3000).catch(() => undefined)));
    await pollUntil(async () => (await metricValue(query, 'feed_subscriptions_open')) === 0, {
      timeoutMs: 15000,
      what: 'no subscription open',
    });
    const base = {
      handles: await metricValue(query, 'nodejs_active_handles_total'),
      rss: await metricValue(query, 'process_resident_memory_bytes'),
    };

    const load = new LoadGenerator({ url: () => stack!.url('ingest'), key: stack!.key, writers: 3, total: 100_000, pauseMs: 20 }).start();
    const clients = Array.from({ length: CLIENTS }, (_, i) => new StormClient(query, i % 2 ? 'ws' : 'sse').start());
    let peak = { open: 0, handles: 0, rss: 0 };
    const stormStart = Date.now();
    try {
      while (Date.now() - stormStart < STORM_MS) {
        await sleep(1000);
        // Peaks are sampled: on a machine running other test files beside this one a scrape can wait for CPU, and a
        // sample that does not come back within 30 s is skipped (the storm and every assertion after it go on).
        try {
          peak = {
            open: Math.max(peak.open, await metricValue(query, 'feed_subscriptions_open', {}, 30000)),
            handles: Math.max(peak.handles, await metricValue(query, 'nodejs_active_handles_total', {}, 30000)),
            rss: Math.max(peak.rss, await metricValue(query, 'process_resident_memory_bytes', {}, 30000)),
          };
        } catch (error) {
          process.stdout.write(`[fault] reconnect-storm: a metrics sample was skipped (${(error as Error).name})\n`);
        }
      }
      await load.stop();
      await Promise.all(clients.map((c) => c.stop()));
    } finally {
      await load.stop();
      await Promise.all(clients.map((c) => c.stop()));
    }
    const counts = load.counts();
    expect(counts.ack).toBe(counts.attempts);
    await waitCaughtUp(world!.db.url, 60000);
    const expected = await feedPositions(query);
    await Promise.all(clients.map((c) => c.finish(expected[expected.length - 1], 60000)));

    const stoppedAt = Date.now();
    let after = { open: -1, handles: -1, rss: -1 };
    let closedMs = -1;
    await pollUntil(
      async () => {
        after = {
          open: await metricValue(query, 'feed_subscriptions_open'),
          handles: await metricValue(query, 'nodejs_active_handles_total'),
          rss: await metricValue(query, 'process_resident_memory_bytes'),
        };
        if (after.open === 0 && closedMs < 0) closedMs = Date.now() - stoppedAt;
        // Memory as well: on a machine busy with other test files it came back seconds after the storm, not at
        // once (CI once read 414 MB here; the same file alone 156-158).
        return after.open === 0 && after.handles <= base.handles + HANDLES_SLACK && after.rss < base.rss + RSS_SLACK;
      },
      { timeoutMs: 45000, intervalMs: 500, what: 'query instance back to its baseline' },
    ).catch(() => undefined); // asserted below with the figures
    const connections = clients.reduce((n, c) => n + c.connections, 0);
    const notConnected = new Map<string, number>();
    for (const c of clients) for (const [k, v] of c.refused) notConnected.set(k, (notConnected.get(k) ?? 0) + v);
    report(
      `reconnect-storm: ${CLIENTS} clients made ${connections} connections in ${seconds(STORM_MS)} s during ${counts.ack} writes (${expected.length} items); ` +
        `peak open ${peak.open}, handles ${base.handles} -> peak ${peak.handles} -> ${after.handles}, ` +
        `rss ${(base.rss / MB).toFixed(0)} -> peak ${(peak.rss / MB).toFixed(0)} -> ${(after.rss / MB).toFixed(0)} MB, ` +
        `subscriptions all closed ${seconds(closedMs)} s and handles and memory back ${seconds(Date.now() - stoppedAt)} s after the last client left; ` +
        `attempts that did not connect ${JSON.stringify([...notConnected])}`,
    );

    const problems = clients.flatMap((c, i) => checkSequence(`${c.transport} client ${i}`, c.positions, expected));
    expect(problems).toEqual([]);
    expect(after.open).toBe(0);
    expect(after.handles).toBeLessThanOrEqual(base.handles + HANDLES_SLACK);
    expect(after.rss).toBeLessThan(base.rss + RSS_SLACK);
    expect(stack!.exited()).toEqual([]);
  }, 150_000);
});
