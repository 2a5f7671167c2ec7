import { checkAll, faultScenario, report } from '@newsroom/testing';

/**
 * Scenario 1 of issue 10: kill -9 of ingest while a load runs (requests in flight), restart it, then retry every
 * request that got no answer with the same id. Exactly once: each acknowledged event is stored once, each
 * retried one once (answered as a duplicate when the killed process had committed it), nothing else.
 */
describe('fault: kill -9 of ingest mid-request, restart, retry with the same ids', () => {
  const scenario = faultScenario('ingest-kill', { setupTimeoutMs: 90000 });

  it('stores every event exactly once and the oracle holds', async () => {
    const { world, stack } = scenario;
    const all = scenario.subscribe();
    const departures = scenario.subscribe('types=executive.departed');
    const load = scenario.startLoad({ writers: 8, total: 600, timeoutMs: 10000 });
    const restarts: number[] = [];
    for (const at of [150, 400]) {
      await load.reached(at);
      await stack.kill('ingest'); // SIGKILL with requests in flight
      restarts.push(await stack.restart('ingest'));
    }
    await load.done();
    const afterLoad = load.counts();
    // The kills did cut requests in flight.
    expect(afterLoad.network + afterLoad.timeout).toBeGreaterThan(0);
    const stillUnanswered = await load.retryUnanswered({ rounds: 10, pauseMs: 500 });
    expect(stillUnanswered).toBe(0);

    const result = await checkAll({
      ...stack.oracleOf(world),
      load,
      subscribers: [{ subscriber: all }, { subscriber: departures, query: 'types=executive.departed' }],
    });
    expect(result.problems).toEqual([]);
    expect(stack.exited()).toEqual([]);
    const c = load.counts();
    const a = result.stats.a as { stored: number };
    // A retry answered 200 (duplicate) means the killed process had committed the event before dying.
    const committedUnanswered = [...load.submissions.values()].filter(
      (s) => s.attempts.length > 1 && s.attempts.some((t) => t.outcome === 200),
    ).length;
    report(
      `ingest-kill: 2 kills -9 under 8 writers; ${afterLoad.network + afterLoad.timeout} requests without an answer, ${afterLoad.c5xx} 5xx, ` +
        `all retried (${c.retried} events) -> ${a.stored} stored exactly once (${committedUnanswered} had been committed before the kill and were answered duplicate on retry); ` +
        `ingest back ready in ${restarts.map((ms) => (ms / 1000).toFixed(1)).join('/')} s; read models caught up ${(result.caughtUpMs / 1000).toFixed(1)} s after`,
    );
  }, 150000);
});
