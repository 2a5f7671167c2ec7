import { checkAll, createFaultWorld, FaultStack, FaultWorld, LoadGenerator, loadEnvelope, report, waitCaughtUp } from '@newsroom/testing';
import { dropDatabase, prepareDatabase } from '../../infra/postgres/database';

/**
 * Scenario 6 of issue 10: the database is reset (dropped and created again: a fresh, empty store) while the
 * broker still holds the old store's events on the same topics, and the consumer groups keep their names. After
 * the stack starts again and a few new events are ingested, no read model shows an event of the old store (a
 * ghost), and the new events are all there: the read models equal a rebuild of the new store.
 */
describe('fault: database reset against a broker holding another store\'s events', () => {
  let world: FaultWorld;
  let stack: FaultStack | undefined;

  beforeAll(async () => {
    world = await createFaultWorld('db-reset');
  }, 60000);
  afterAll(async () => {
    await stack?.stop();
    await world?.destroy();
  }, 60000);

  it('shows no ghost event of the old store in any read model', async () => {
    const first = await FaultStack.start({ label: 'db-reset', databaseUrl: world.db.url, brokers: world.brokers });
    stack = first;
    const old = new LoadGenerator({ url: () => first.url('ingest'), key: first.key, writers: 3, total: 60, envelope: (n) => loadEnvelope(n, 'old-store') }).start();
    await old.done();
    await waitCaughtUp(world.db.url, 60000);
    await first.stop({ deleteTopics: false });

    // A fresh store at the same URL: dropped and migrated again (the pool of the first database is gone with it).
    await world.db.pool.end().catch(() => undefined);
    await dropDatabase(world.db.url);
    await prepareDatabase(world.db.url);

    // The same topics, group ids and keys: the broker still holds the 60 old events.
    const second = await FaultStack.start({ label: 'db-reset', databaseUrl: world.db.url, brokers: world.brokers, prefix: first.prefix, keys: { write: first.key, read: first.readKey } });
    stack = second;
    const fresh = new LoadGenerator({ url: () => second.url('ingest'), key: second.key, writers: 2, total: 10, envelope: (n) => loadEnvelope(n, 'new-store') }).start();
    await fresh.done();
    expect(fresh.counts()).toMatchObject({ events: 10, ack: 10 });

    const result = await checkAll({ storeUrl: world.db.url, brokers: world.brokers, topic: second.topics.events, load: fresh, catchUpTimeoutMs: 30000 });
    expect(result.problems).toEqual([]);
    report(`database-reset: 60 old events left on the topic, 10 new ones after the reset; read models equal a rebuild of the new store, no ghosts (caught up in ${(result.caughtUpMs / 1000).toFixed(1)} s)`);
  }, 150000);
});
