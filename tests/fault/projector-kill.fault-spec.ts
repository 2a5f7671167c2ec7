import { Client } from 'pg';
import { checkAll, faultScenario, loadEnvelope, LoadGenerator, pollUntil, report, waitCaughtUp } from '@newsroom/testing';

/**
 * Scenario 5 of issue 10: kill -9 of a projector mid-batch, then a rebalance storm (three instances in one group,
 * stopped and started again a few times) while events are ingested. Each partition resumes where Postgres says it
 * is: no event lost, none applied twice, so every read model equals a rebuild from the store.
 *
 * Mid-batch for sure: the test holds read_model.entities (the last read model a batch writes) locked, so the
 * projector's batch transaction has written the other read models and its checkpoint lock, and waits there; the
 * test kills it at that point.
 */
describe('fault: kill -9 of a projector mid-batch and a rebalance storm', () => {
  const scenario = faultScenario('projector-kill', { setupTimeoutMs: 90000 });

  async function killMidBatch(load: LoadGenerator): Promise<number> {
    const { world, stack } = scenario;
    const lock = new Client({ connectionString: world.db.url });
    await lock.connect();
    try {
      await lock.query('BEGIN');
      await lock.query('LOCK TABLE read_model.entities IN EXCLUSIVE MODE');
      let probes = 0;
      const blocked = await pollUntil(
        async () => {
          const { rows } = await world.db.pool.query(
            `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND state = 'active' AND query LIKE '%read_model.entities%' AND pid <> $1`,
            [(lock as unknown as { processID: number }).processID],
          );
          if (!rows.length && ++probes % 40 === 0) await load.post(loadEnvelope(20000 + probes, 'projector-extra'));
          return rows[0];
        },
        { timeoutMs: 30000, intervalMs: 50, what: 'a projector batch waiting on read_model.entities' },
      );
      await stack.kill('projector');
      await world.db.pool.query('SELECT pg_terminate_backend($1)', [blocked.pid]);
      await lock.query('ROLLBACK');
    } finally {
      await lock.end().catch(() => undefined);
    }
    return stack.restart('projector');
  }

  it('resumes every partition from its checkpoint: read models equal a rebuild', async () => {
    const { world, stack } = scenario;
    const sub = scenario.subscribe();
    const load = scenario.startLoad({ writers: 3, total: 20000, pauseMs: 40 });
    await load.reached(100);
    const restartMs = await killMidBatch(load);

    // Rebalance storm: three instances in the group; each cycle stops one (SIGTERM: it leaves the group) and starts
    // it again, so the partitions move between instances at every cycle.
    await Promise.all([stack.startInstance('projector'), stack.startInstance('projector')]);
    const cycles = 3;
    const stormStarted = Date.now();
    for (let cycle = 0; cycle < cycles; cycle++) {
      const i = cycle % 3;
      await stack.restart('projector', i);
    }
    const stormS = (Date.now() - stormStarted) / 1000;
    await load.stop();
    const lastHead = (await world.db.pool.query('SELECT max(global_position)::text AS h FROM event_store.events')).rows[0].h;
    const caughtUpMs = await waitCaughtUp(world.db.url, 90000, lastHead);

    const result = await checkAll({
      ...stack.oracleOf(world),
      load,
      subscribers: [{ subscriber: sub }],
    });
    expect(result.problems).toEqual([]);
    expect(stack.exited()).toEqual([]);
    const { rows } = await world.db.pool.query(
      'SELECT count(DISTINCT partition)::int AS partitions FROM read_model.projection_checkpoints WHERE topic = $1',
      [stack.topics.events],
    );
    report(
      `projector-kill: kill -9 mid-batch (restart ready in ${(restartMs / 1000).toFixed(1)} s), then a ${cycles}-cycle rebalance storm of 3 instances (${stormS.toFixed(1)} s); ` +
        `${(result.stats.a as { stored: number }).stored} events, ${rows[0].partitions} partitions checkpointed; read models caught up ${(caughtUpMs / 1000).toFixed(1)} s after the storm, equal to a rebuild`,
    );
  }, 200000);
});
