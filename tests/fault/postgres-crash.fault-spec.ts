import { checkAll, faultScenario, report, sleep, storedEvents } from '@newsroom/testing';

/**
 * A 2xx means the event is durable: this test's own Postgres cluster is killed -9 (every process, as an OOM kill or a
 * host crash would leave it) while events are ingested, with its WAL writer paused beforehand. A commit that did not
 * wait for its own WAL flush then stays in Postgres's memory and dies with it, so the test shows that every event
 * answered 2xx was flushed before its answer: after crash recovery the store holds each one once. No process dies or
 * loops; the writes refused or unanswered meanwhile, retried with the same ids, land once; the read models equal a
 * rebuild and a subscriber that was there through it got every feed item once.
 */
describe('fault: Postgres killed -9 during ingestion', () => {
  const scenario = faultScenario('pg-crash', {
    ownPostgres: true,
    // Nothing but the commits themselves writes the WAL before the kill: no timed checkpoint, background writer or
    // autovacuum.
    pgSettings: ['checkpoint_timeout=1800', 'bgwriter_lru_maxpages=0', 'autovacuum=off'],
  });

  it('keeps every event answered 2xx through the crash recovery, and the oracle holds', async () => {
    const { world, stack } = scenario;
    const pg = world.pg!;
    const sub = scenario.subscribe();
    const load = scenario.startLoad({ writers: 4, total: 20000, pauseMs: 10, timeoutMs: 10000, pauseAfterFailureMs: 100 });
    await load.reached(60);
    await pg.pauseWalWriter();
    await load.reached(200);

    await pg.kill();
    // Every answer given so far was given by the server that was just killed.
    const ackedBefore = [...load.acknowledged()];
    await sleep(2000);
    await pg.start();
    const upAt = Date.now();
    const kept = new Set((await storedEvents(world.db.url)).map((e) => e.id));
    const lost = ackedBefore.filter((id) => !kept.has(id));
    expect(lost).toEqual([]);

    await stack.waitAllReady(90000);
    const readyS = (Date.now() - upAt) / 1000;
    await load.reached(load.attemptedCount() + 40);
    await load.stop();
    expect(stack.exited()).toEqual([]);
    expect(await load.retryUnanswered({ rounds: 10, pauseMs: 500 })).toBe(0);
    const result = await checkAll({
      ...stack.oracleOf(world),
      load,
      subscribers: [{ subscriber: sub }],
      catchUpTimeoutMs: 90000,
    });
    expect(result.problems).toEqual([]);
    const c = load.counts();
    report(
      `postgres-crash: killed -9 with the WAL writer paused after ${ackedBefore.length} events answered 2xx, all ${ackedBefore.length} kept by crash recovery ` +
        `(${kept.size} stored); ${c.c5xx} 5xx + ${c.network + c.timeout} unanswered, retried -> ${(result.stats.a as { stored: number }).stored} stored exactly once; ` +
        `Postgres back -> all apps ready in ${readyS.toFixed(1)} s`,
    );
  }, 240000);
});
