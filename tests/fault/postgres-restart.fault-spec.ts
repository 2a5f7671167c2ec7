import { checkAll, faultScenario, isAck, report, sleep, storeHead, waitCaughtUp } from '@newsroom/testing';

/**
 * Scenario 4 of issue 10: this test's own Postgres cluster is restarted (pg_ctl stop -m fast, down ~5 s, start)
 * while events are ingested. While it is down, writes answer 503 problem+json with Retry-After, never a 2xx for
 * an event that was not saved; no process crashes or loops; readiness recovers; after retrying the refused writes
 * with the same ids, the oracle holds. Measures Postgres back -> every app ready and -> read models caught up.
 */
describe('fault: Postgres restart during ingestion', () => {
  const scenario = faultScenario('pg-restart', { ownPostgres: true });

  it('answers 503 problem+json while down, recovers by itself, and the oracle holds', async () => {
    const { world, stack } = scenario;
    const pg = world.pg!;
    const sub = scenario.subscribe();
    const load = scenario.startLoad({ writers: 3, total: 20000, pauseMs: 20, timeoutMs: 10000, pauseAfterFailureMs: 100 });
    await load.reached(80);

    const stoppingAt = Date.now();
    await pg.stop('fast');
    const downAt = Date.now();
    await sleep(5000);
    const startingAt = Date.now();
    await pg.start();
    const upAt = Date.now();
    await stack.waitAllReady(90000);
    const readyS = (Date.now() - upAt) / 1000;
    const head = await storeHead(world.db.url);
    await waitCaughtUp(world.db.url, 90000, head);
    const caughtUpS = (Date.now() - upAt) / 1000;
    await load.stop();

    // Requests made entirely while Postgres was down: each a 503 problem+json with Retry-After (not a hang, not a 2xx).
    const whileDown = load.attemptsBetween(downAt, startingAt).filter((a) => a.at + a.ms < startingAt);
    const wrong = whileDown
      .filter(
        (a) =>
          !(
            a.outcome === 503 &&
            /application\/problem\+json/.test(a.contentType ?? '') &&
            (a.detail as { retryAfter?: string })?.retryAfter
          ),
      )
      .map((a) => `${a.outcome} (${a.contentType}, ${a.ms} ms): ${JSON.stringify(a.detail)?.slice(0, 200)}`);
    expect(whileDown.length).toBeGreaterThan(0);
    expect(wrong).toEqual([]);
    const acksWhileDown = whileDown.filter((a) => isAck(a.outcome));
    expect(acksWhileDown).toEqual([]);

    // No crash loop: every process is the one started at the beginning, alive.
    expect(stack.exited()).toEqual([]);

    // The refused writes, retried with the same ids, land once; nothing answered 2xx was lost.
    expect(await load.retryUnanswered({ rounds: 10, pauseMs: 500 })).toBe(0);
    const result = await checkAll({
      ...stack.oracleOf(world),
      load,
      subscribers: [{ subscriber: sub }],
    });
    expect(result.problems).toEqual([]);
    const c = load.counts();
    report(
      `postgres-restart: down ${((startingAt - stoppingAt) / 1000).toFixed(1)} s; ${whileDown.length} writes while down all 503 problem+json; ${c.c5xx} 5xx + ${c.network + c.timeout} unanswered in total, retried -> ` +
        `${(result.stats.a as { stored: number }).stored} stored exactly once; Postgres back -> all apps ready in ${readyS.toFixed(1)} s, read models caught up in ${caughtUpS.toFixed(1)} s`,
    );
  }, 200000);
});
