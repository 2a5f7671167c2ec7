import { checkAll, faultScenario, isAck, loadEnvelope, pollUntil, report, sleep, storeHead, waitCaughtUp } from '@newsroom/testing';

/**
 * Scenario 3 of issue 10: the broker (this test's own) is killed -9, later frozen (SIGSTOP) for 15 s, while events
 * are ingested. Writes go to Postgres, so ingestion answers 2xx throughout; when the broker is back, the relay, the
 * projector, the feed and the submissions consumer recover by themselves (readiness 200 again within a bound) and
 * the oracle holds. Measures broker back -> every app ready, and broker back -> read models caught up.
 */
describe('fault: broker kill -9 and SIGSTOP during ingestion', () => {
  const scenario = faultScenario('broker-outage', { ownBroker: true, setupTimeoutMs: 150000 });

  /** From the broker's return: every app ready again, and the read models past the head recorded at that moment. */
  async function recovery(backAt: number): Promise<{ readyS: number; caughtUpS: number }> {
    const { world, stack } = scenario;
    const head = await storeHead(world.db.url);
    await stack.waitAllReady(90000);
    const readyS = (Date.now() - backAt) / 1000;
    await waitCaughtUp(world.db.url, 90000, head);
    return { readyS, caughtUpS: (Date.now() - backAt) / 1000 };
  }

  it('keeps answering 2xx, recovers by itself, and the oracle holds', async () => {
    const { world, stack } = scenario;
    const broker = world.broker!;
    const sub = scenario.subscribe();
    const load = scenario.startLoad({ writers: 3, total: 20000, pauseMs: 60, timeoutMs: 10000 });
    await load.reached(60);

    // kill -9, down for 5 s, started again on the same data.
    const killedAt = Date.now();
    await broker.kill();
    await sleep(5000);
    await broker.start();
    const killBack = Date.now();
    const afterKill = await recovery(killBack);

    // SIGSTOP for 15 s: connections stay open, nothing answers.
    const frozenAt = Date.now();
    broker.freeze();
    await sleep(15000);
    broker.thaw();
    const thawBack = Date.now();
    const afterFreeze = await recovery(thawBack);
    await load.stop();

    // Ingestion answered 2xx throughout both outages.
    const during = [...load.attemptsBetween(killedAt, killBack), ...load.attemptsBetween(frozenAt, thawBack)];
    const failed = during
      .filter((a) => !isAck(a.outcome))
      .map((a) => `${a.outcome} after ${((a.at - killedAt) / 1000).toFixed(1)} s: ${JSON.stringify(a.detail)?.slice(0, 200)}`);
    expect(failed).toEqual([]);
    expect(during.length).toBeGreaterThan(0);

    // The submissions consumer is back too: a submission sent now is recorded.
    const submitted = loadEnvelope(900001, 'broker-submission');
    await stack.submit([submitted]);
    await pollUntil(
      async () => (await world.db.pool.query('SELECT 1 FROM event_store.events WHERE event_id = $1', [submitted.id])).rowCount,
      { timeoutMs: 60000, what: 'the submission recorded after the outages' },
    );

    const result = await checkAll({
      ...stack.oracleOf(world),
      load,
      otherIds: [String(submitted.id)],
      subscribers: [{ subscriber: sub }],
    });
    expect(result.problems).toEqual([]);
    expect(stack.exited()).toEqual([]);
    const c = load.counts();
    report(
      `broker-kill: ${c.ack}/${c.attempts} writes 2xx (none failed during the outage); broker back -> all apps ready in ${afterKill.readyS.toFixed(1)} s, read models caught up in ${afterKill.caughtUpS.toFixed(1)} s`,
    );
    report(
      `broker-sigstop 15 s: broker thawed -> all apps ready in ${afterFreeze.readyS.toFixed(1)} s, read models caught up in ${afterFreeze.caughtUpS.toFixed(1)} s`,
    );
  }, 240000);
});
