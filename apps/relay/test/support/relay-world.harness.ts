import { PgEventStore } from '@newsroom/event-store';
import { KafkaClient } from '@newsroom/messaging';
import { createTestDatabase, TestDatabase, testKafka, testTopics } from '@newsroom/testing';

/** What a relay integration spec runs against: its own database and store, a Kafka client, and its events topic. */
export interface RelayWorld {
  db: TestDatabase;
  store: PgEventStore;
  kafka: KafkaClient;
  topic: string;
}

/**
 * Registers the spec's beforeAll/afterAll: a test database (`<name>` with dashes as underscores), a store on it,
 * and the events topic with `partitions`; all dropped after. Read the world inside tests (it is filled in beforeAll).
 */
export function relayWorld(name: string, partitions: number): RelayWorld {
  const { topics } = testTopics(name);
  const world = { topic: topics.events } as RelayWorld;
  beforeAll(async () => {
    world.db = await createTestDatabase(name.replace(/-/g, '_'));
    world.store = new PgEventStore(world.db.pool);
    world.kafka = testKafka(`${name}-test`);
    await world.kafka.ensureTopics([{ topic: world.topic, partitions }]);
  });
  afterAll(async () => {
    await world.kafka?.deleteTopics([world.topic]).catch(() => undefined);
    await world.kafka?.close();
    await world.db?.drop();
  });
  return world;
}
