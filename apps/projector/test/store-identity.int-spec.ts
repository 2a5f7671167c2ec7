import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { KafkaClient, toWireMessage, TopicNames } from '@newsroom/messaging';
import { FeedItemsProjection } from '@newsroom/projections';
import { createTestDatabase, eventToAppend, pollUntil, TestDatabase } from '@newsroom/testing';
import { EventRelay } from '../../relay/src/relay/event-relay.service';
import { ProjectorPipeline, publishAll, startPipeline, testRelay } from './support/projector-pipeline.harness';

// A database reset (or a second stack) against a broker still holding another store's events: positions collide,
// so without the store's identity those ghosts would take the place of this store's own events in the read models.
describe("Projector: only its own event store's events reach the read models", () => {
  let p: ProjectorPipeline;
  let a: TestDatabase;
  let b: TestDatabase;
  let ds: DataSource;
  let kafka: KafkaClient;
  let topics: TopicNames;
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
  const publish = (which: 'a' | 'b') => publishAll(stores[which].relay);

  beforeAll(async () => {
    // The projector's own store is B; A is another database whose relay publishes to the same topic.
    [p, a] = await Promise.all([startPipeline('store-id', { partitions: 3, relayBatchSize: 50 }), createTestDatabase('store_a')]);
    ({ db: b, ds, kafka, topics } = p);
    const storeA = new PgEventStore(a.pool);
    stores.a = { store: storeA, relay: testRelay(a, storeA, kafka, topics.events, 50), ids: [] };
    stores.b = { store: p.store, relay: p.relay, ids: [] };
    await p.startProjector([new FeedItemsProjection()], { runner: { onForeign: (_id, n) => void (foreign += n) } });
  });

  afterAll(async () => {
    await p?.close();
    await a?.drop();
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
    await pollUntil(async () => (await p.watermark()) === '21', { timeoutMs: 30000, what: "the feed watermark to reach B's head" });
    await publish('b');
    await append('b', 9);
    await publish('b');
    await pollUntil(async () => (await p.watermark()) === '30', { timeoutMs: 30000, what: "the feed watermark to reach B's head" });
    const feed = await ds.query('SELECT event_id FROM read_model.feed_items ORDER BY position');
    expect(feed.map((r: { event_id: string }) => r.event_id)).toEqual(stores.b.ids);
    expect(foreign).toBeGreaterThan(0);
  });
});
