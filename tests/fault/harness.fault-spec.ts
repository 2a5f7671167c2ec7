import {
  checkKafka,
  checkReadModels,
  checkStore,
  checkSubscriber,
  createFaultWorld,
  FaultStack,
  FaultWorld,
  feedPositions,
  LoadGenerator,
  report,
  ResumingSseSubscriber,
  waitCaughtUp,
} from '@newsroom/testing';

/**
 * The fault harness itself, with no fault: its own Postgres cluster and broker, the four apps, a bounded load and a
 * resuming subscriber; the oracle holds. If this fails, the scenarios' failures say nothing about the product.
 */
describe('fault harness: own cluster, own broker, the four apps, load and oracle (no fault)', () => {
  let world: FaultWorld;
  let stack: FaultStack;

  beforeAll(async () => {
    world = await createFaultWorld('harness', { ownPostgres: true, ownBroker: true });
    stack = await FaultStack.start({ label: 'harness', databaseUrl: world.db.url, brokers: world.brokers });
  }, 120000);
  afterAll(async () => {
    await stack?.stop();
    await world?.destroy();
  }, 60000);

  it('freezes and thaws, kills and restarts its own Postgres cluster; data survives the crash recovery', async () => {
    const pg = world.pg!;
    const { Client } = await import('pg');
    pg.freeze();
    const frozen = new Client({ connectionString: world.db.url, connectionTimeoutMillis: 1500 });
    frozen.on('error', () => undefined);
    await expect(frozen.connect()).rejects.toThrow();
    pg.thaw();
    await pg.waitAccepting(15000);
    const before = (await world.db.pool.query('SELECT count(*)::int AS n FROM event_store.events')).rows[0].n;
    await pg.kill();
    expect(pg.pid).toBeNull();
    await pg.start();
    await stack.waitAllReady(60000);
    expect((await world.db.pool.query('SELECT count(*)::int AS n FROM event_store.events')).rows[0].n).toBe(before);
  }, 60000);

  it('holds the oracle on a quiet run', async () => {
    const sub = new ResumingSseSubscriber(() => stack.url('query')).start();
    const load = new LoadGenerator({ url: () => stack.url('ingest'), key: stack.key, writers: 4, total: 200 }).start();
    await load.done();
    expect(load.counts()).toMatchObject({ events: 200, ack: 200 });
    const caughtUpMs = await waitCaughtUp(world.db.url, 30000);
    const store = await checkStore(world.db.url, load);
    expect(store.problems).toEqual([]);
    const kafka = await checkKafka(world.db.url, world.brokers, stack.topics.events);
    expect(kafka.problems).toEqual([]);
    const models = await checkReadModels(world.db.url);
    expect(models.problems).toEqual([]);
    const expected = await feedPositions(stack.url('query'));
    await sub.waitFor(expected[expected.length - 1]);
    await sub.stop();
    const seen = checkSubscriber(sub, expected);
    expect(seen.problems).toEqual([]);
    report(
      `harness: ${store.stats.stored} events, caught up ${caughtUpMs} ms after the load, ${models.stats.rows} read-model rows equal a rebuild, subscriber saw ${seen.stats.seen}`,
    );
  }, 90000);
});
