import { Client } from 'pg';
import { checkAll, faultScenario, loadEnvelope, LoadGenerator, pollUntil, report } from '@newsroom/testing';

/**
 * Scenario 2 of issue 10: kill -9 of the relay between the broker's acknowledgement and its checkpoint, repeatedly
 * during ingestion. The test holds the relay's checkpoint row locked, so the relay publishes a batch, gets the
 * acknowledgement, and then waits on its checkpoint save; the test kills it there (and ends the orphaned
 * backend, as a host crash would, so the save never lands), then restarts it. The relay republishes the batch:
 * every event reaches Kafka, and the read models equal a rebuild (no event applied twice). Once the query service
 * is killed -9 as well: a live subscriber resumes with Last-Event-ID and sees every item once, in order.
 */
describe('fault: kill -9 of the relay between the broker ack and the checkpoint', () => {
  const scenario = faultScenario('relay-kill', { setupTimeoutMs: 90000 });

  /** Locks the checkpoint row, waits until the relay blocks on saving it (after a publish), kills it there. */
  async function killBetweenAckAndCheckpoint(load: LoadGenerator): Promise<{ checkpoint: string; restartMs: number }> {
    const { world, stack } = scenario;
    const topic = stack.topics.events;
    await pollUntil(
      async () => (await world.db.pool.query('SELECT 1 FROM event_store.relay_checkpoints WHERE name = $1', [topic])).rowCount,
      { timeoutMs: 30000, what: 'a relay checkpoint' },
    );
    const lock = new Client({ connectionString: world.db.url });
    await lock.connect();
    try {
      await lock.query('BEGIN');
      const { rows } = await lock.query('SELECT position::text FROM event_store.relay_checkpoints WHERE name = $1 FOR UPDATE', [topic]);
      let probes = 0;
      const blocked = await pollUntil(
        async () => {
          const { rows: waiting } = await world.db.pool.query(
            `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%relay_checkpoints%' AND pid <> $1`,
            [(lock as unknown as { processID: number }).processID],
          );
          // The load may have ended and the relay caught up: give it one more event to publish.
          if (!waiting.length && ++probes % 40 === 0) await load.post(loadEnvelope(10000 + probes, 'relay-extra'));
          return waiting[0];
        },
        { timeoutMs: 30000, intervalMs: 50, what: 'the relay waiting on its checkpoint save after a publish' },
      );
      await stack.kill('relay');
      // The killed relay's backend would still commit the save once the lock goes: end it, as a crash would.
      await world.db.pool.query('SELECT pg_terminate_backend($1)', [blocked.pid]);
      await lock.query('ROLLBACK');
      return { checkpoint: rows[0].position, restartMs: await stack.restart('relay') };
    } finally {
      await lock.end().catch(() => undefined);
    }
  }

  it('republishes what was acknowledged but not checkpointed; every event reaches Kafka, read models equal a rebuild', async () => {
    const { world, stack } = scenario;
    const sub = scenario.subscribe();
    const load = scenario.startLoad({ writers: 4, total: 600 });
    const kills: Array<{ checkpoint: string; restartMs: number }> = [];
    let queryRestartMs = 0;
    for (const at of [100, 250, 400]) {
      await load.reached(at);
      kills.push(await killBetweenAckAndCheckpoint(load));
      // Once, the query service dies too (kill -9): the live subscriber reconnects with Last-Event-ID.
      if (at === 250) queryRestartMs = await stack.restart('query', 0, { kill: true });
    }
    await load.done();
    // Writes never depended on the relay.
    expect(load.counts()).toMatchObject({ c4xx: 0, c5xx: 0, network: 0, timeout: 0 });
    expect(load.counts().ack).toBeGreaterThanOrEqual(600);

    const result = await checkAll({
      ...stack.oracleOf(world),
      load,
      subscribers: [{ subscriber: sub }],
    });
    expect(result.problems).toEqual([]);
    // The fault did land between the ack and the checkpoint: some events are on Kafka twice.
    const b = result.stats.b as { messages: number; distinct: number; redelivered: number };
    expect(b.redelivered).toBeGreaterThan(0);
    // ... and no read model shows any of them twice (checked by (c)); the feed has one item per event.
    const { rows } = await world.db.pool.query('SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS d FROM read_model.feed_items');
    expect(rows[0].n).toBe(rows[0].d);
    expect(stack.exited()).toEqual([]);
    expect(sub.reconnects).toBeGreaterThanOrEqual(1);
    report(
      `relay-kill: 3 kills -9 between broker ack and checkpoint (checkpoints ${kills.map((k) => k.checkpoint).join(', ')}); ${b.redelivered} messages republished, ` +
        `${b.distinct} events on Kafka = ${(result.stats.a as { stored: number }).stored} stored; relay back ready in ${kills.map((k) => (k.restartMs / 1000).toFixed(1)).join('/')} s; ` +
        `read models caught up ${(result.caughtUpMs / 1000).toFixed(1)} s after the load, equal to a rebuild; ` +
        `query killed -9 once (back in ${(queryRestartMs / 1000).toFixed(1)} s): the subscriber resumed ${sub.reconnects}× and saw ${sub.items.length} items exactly once, in order`,
    );
  }, 110000);
});
