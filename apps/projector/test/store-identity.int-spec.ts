import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { KafkaClient, ManagedConsumer, toWireMessage } from '@newsroom/messaging';
import { FeedItemsProjection, ProjectionRunner } from '@newsroom/projections';
import { createTestDatabase, eventToAppend, pollUntil, TestDatabase, testKafka, testTopics } from '@newsroom/testing';
import { EventRelay } from '../../relay/src/relay/event-relay.service';
import { RelayCheckpoints } from '../../relay/src/relay/relay-checkpoints.repository';

// A database reset (or a second stack) against a broker still holding another store's events: positions collide,
// so without the store's identity those ghosts would take the place of this store's own events in the read models.
describe("Projector: only its own event store's events reach the read models", () => {
  const { topics } = testTopics('store-id');
  let a: TestDatabase;
  let b: TestDatabase;
  let ds: DataSource;
  let kafka: KafkaClient;
  let consumer: ManagedConsumer;
  const stores = {} as Record<'a' | 'b', { store: PgEventStore; relay: EventRelay; ids: string[] }>;
  let foreign = 0;

  const append = async (which: 'a' | 'b', count: number) => {
    const { store, ids } = stores[which];
    for (let i = 0; i < count; i++) {
      const event = eventToAppend({
        data: { organization: `org:${which}`, role: `Officer ${which}${ids.length}`, roleCategory: 'c-suite', reason: 'resigned' },
      });
      await store.append({ streamId: `person:${which}-${ids.length % 5}`, expectedVersion: 'any', events: [event] });
      ids.push(event.eventId);
    }
  };
  const publish = async (which: 'a' | 'b') => {
    while ((await stores[which].relay.publishOnce()) > 0);
  };
  const watermark = async () => String((await ds.query('SELECT position FROM read_model.feed_watermark'))[0].position);

  beforeAll(async () => {
    [a, b] = await Promise.all([createTestDatabase('store_a'), createTestDatabase('store_b')]);
    kafka = testKafka('store-id-test');
    await kafka.ensureTopics([
      { topic: topics.events, partitions: 3 },
      { topic: topics.eventsDlq, partitions: 1 },
    ]);
    for (const [which, db] of [
      ['a', a],
      ['b', b],
    ] as const) {
      const store = new PgEventStore(db.pool);
      const relay = new EventRelay(db.pool, store, kafka, new RelayCheckpoints(db.pool), {
        topic: topics.events,
        batchSize: 50,
        idleWaitMs: 50,
        maxBackoffMs: 500,
        leaderLockKey: 1,
      });
      stores[which] = { store, relay, ids: [] };
    }
    ds = await new DataSource({ type: 'postgres', url: b.url }).initialize();
    const feed = new FeedItemsProjection();
    const runner = new ProjectionRunner(ds, [feed], kafka, {
      dlqTopic: topics.eventsDlq,
      maxAttempts: 2,
      onForeign: (_id, n) => void (foreign += n),
    });
    consumer = kafka.consumer({
      groupId: `store-id-${randomUUID()}`,
      topics: [topics.events],
      partitionsConsumedConcurrently: 3,
      handler: (batch) => runner.handleBatch(batch),
    });
    await consumer.start();
  });

  afterAll(async () => {
    await consumer?.stop();
    await kafka?.deleteTopics([topics.events, topics.eventsDlq]).catch(() => undefined);
    await kafka?.close();
    await ds?.destroy();
    await Promise.all([a?.drop(), b?.drop()]);
  });

  it("never shows store A's events on store B's projector, and shows all of B's", async () => {
    const [idA, idB] = await Promise.all(
      [a, b].map(async (db) => (await db.pool.query('SELECT id::text AS id FROM event_store.store_identity')).rows[0].id),
    );
    expect(idA).not.toEqual(idB);
    // A's events go out first, at the same positions B's get.
    await append('a', 30);
    await publish('a');
    await append('b', 20);
    await publish('b');
    await append('a', 10);
    await publish('a');
    // An event published by an older relay (no store-id header) is accepted.
    await append('b', 1);
    const [older] = await stores.b.store.readAll(20, 1);
    await kafka.publish(topics.events, [toWireMessage(older)]);
    await pollUntil(async () => (await watermark()) === '21', { timeoutMs: 30000, what: "the feed watermark to reach B's head" });
    await publish('b');
    await append('b', 9);
    await publish('b');
    await pollUntil(async () => (await watermark()) === '30', { timeoutMs: 30000, what: "the feed watermark to reach B's head" });
    const feed = await ds.query('SELECT event_id FROM read_model.feed_items ORDER BY position');
    expect(feed.map((r: { event_id: string }) => r.event_id)).toEqual(stores.b.ids);
    expect(foreign).toBeGreaterThan(0);
  });
});
