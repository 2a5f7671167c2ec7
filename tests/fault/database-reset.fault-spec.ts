import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import {
  checkAll,
  createFaultWorld,
  FaultStack,
  FaultWorld,
  LoadGenerator,
  loadEnvelope,
  pollUntil,
  report,
  waitCaughtUp,
} from '@newsroom/testing';
import { dropDatabase, prepareDatabase } from '../../infra/postgres/database';

/**
 * Scenario 6 of issue 10: the database is reset (dropped and created again: a fresh, empty store) while the
 * broker still holds the old store's events on the same topics. After the stack starts again and a few new events
 * are ingested, no read model shows an event of the old store (a ghost), and the new events are all there: the read
 * models equal a rebuild of the new store.
 *
 * Old events reach a projector after the reset in two ordinary ways, one test each:
 *  - the projector was behind when the database was reset (same group ids: it resumes from its committed offsets,
 *    which are before old events it had not consumed yet);
 *  - a projector replays the topic from the beginning (a new group id, or offsets expired).
 */
async function resetDatabase(world: FaultWorld): Promise<void> {
  await world.db.pool.end().catch(() => undefined);
  await dropDatabase(world.db.url);
  await prepareDatabase(world.db.url);
}

describe("fault: database reset against a broker holding another store's events", () => {
  let world: FaultWorld;
  let stack: FaultStack | undefined;

  beforeEach(async () => {
    world = await createFaultWorld('db-reset');
  }, 60000);
  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
    await world?.destroy();
  }, 60000);

  /**
   * The stack started again on the reset store, with the first one's topics and keys (and `extraEnv`), ten new events
   * written: what checkAll finds wrong (a ghost, a missing or doubled event), none when every read model equals a
   * rebuild of the new store.
   */
  async function tenNewEventsAfterReset(first: FaultStack, label: string, extraEnv?: Record<string, string>) {
    const second = await FaultStack.start({
      label,
      databaseUrl: world.db.url,
      brokers: world.brokers,
      prefix: first.prefix,
      keys: { write: first.key, read: first.readKey },
      extraEnv,
    });
    stack = second;
    const fresh = new LoadGenerator({
      url: () => second.url('ingest'),
      key: second.key,
      writers: 2,
      total: 10,
      envelope: (n) => loadEnvelope(n, 'new-store'),
    }).start();
    await fresh.done();
    expect(fresh.counts()).toMatchObject({ events: 10, ack: 10 });
    const result = await checkAll({
      storeUrl: world.db.url,
      brokers: world.brokers,
      topic: second.topics.events,
      load: fresh,
      catchUpTimeoutMs: 30000,
    });
    return result.problems;
  }

  it('the projector was behind at the reset (same topics and group ids): no ghost in any read model', async () => {
    const first = await FaultStack.start({ label: 'db-reset', databaseUrl: world.db.url, brokers: world.brokers });
    stack = first;
    const old = new LoadGenerator({
      url: () => first.url('ingest'),
      key: first.key,
      writers: 3,
      total: 40,
      envelope: (n) => loadEnvelope(n, 'old-store'),
    }).start();
    await old.done();
    await waitCaughtUp(world.db.url, 60000);
    // The projector goes down; 20 more old events reach the topic and are not consumed before the reset.
    await first.stopInstance('projector');
    const behind = new LoadGenerator({
      url: () => first.url('ingest'),
      key: first.key,
      writers: 2,
      total: 20,
      envelope: (n) => loadEnvelope(100 + n, 'old-store'),
    }).start();
    await behind.done();
    await pollUntil(() => relayCaughtUp(world, first), { timeoutMs: 30000, what: 'the relay published the old events' });
    await first.stop({ deleteTopics: false });

    await resetDatabase(world);

    const problems = await tenNewEventsAfterReset(first, 'db-reset');
    report(`database-reset (projector behind): 60 old events on the topic (20 unconsumed), 10 new after the reset: ${outcome(problems)}`);
    expect(problems).toEqual([]);
  }, 120000);

  it('a projector replays the topic from the beginning after the reset (new group id): no ghost in any read model', async () => {
    const first = await FaultStack.start({ label: 'db-replay', databaseUrl: world.db.url, brokers: world.brokers });
    stack = first;
    const old = new LoadGenerator({
      url: () => first.url('ingest'),
      key: first.key,
      writers: 3,
      total: 40,
      envelope: (n) => loadEnvelope(n, 'old-store'),
    }).start();
    await old.done();
    await waitCaughtUp(world.db.url, 60000);
    await first.stop({ deleteTopics: false });

    await resetDatabase(world);

    const problems = await tenNewEventsAfterReset(first, 'db-replay', {
      PROJECTOR_GROUP_ID: `projector-replay-${randomBytes(3).toString('hex')}`,
    });
    report(`database-reset (replay from the beginning): 40 old events on the topic, 10 new after the reset: ${outcome(problems)}`);
    expect(problems).toEqual([]);
  }, 120000);
});

const outcome = (problems: string[]) =>
  problems.length ? `FAILS: ${problems.map((p) => p.slice(0, 110)).join(' | ')}` : 'no ghosts, read models equal a rebuild';

async function relayCaughtUp(world: FaultWorld, stack: FaultStack): Promise<boolean> {
  const c = new Client({ connectionString: world.db.url });
  await c.connect();
  try {
    const { rows } = await c.query(
      `SELECT (SELECT coalesce(max(global_position), 0) FROM event_store.events) AS head, (SELECT position FROM event_store.relay_checkpoints WHERE name = $1) AS checkpoint`,
      [stack.topics.events],
    );
    return rows[0].checkpoint !== null && String(rows[0].checkpoint) === String(rows[0].head);
  } finally {
    await c.end();
  }
}
