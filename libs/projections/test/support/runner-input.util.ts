import { DataSource } from 'typeorm';
import type { IncomingMessage, KafkaClient, TopicNames } from '@newsroom/messaging';
import { createTestDatabase, TestDatabase, testKafka, testTopics } from '@newsroom/testing';
import type { ProjectedEvent } from '@newsroom/projections';

/** An event as the projector receives it from the topic (no relay headers: the runner reads the JSON). */
export const message = (e: ProjectedEvent, offset: number, topic: string, partition = 0): IncomingMessage => ({
  topic,
  partition,
  offset: String(offset),
  key: e.subject,
  value: Buffer.from(JSON.stringify(e)),
  headers: {},
});

/** The projector applies only what the event store holds: hand-made events are recorded at their positions first. */
export async function recordInStore(ds: DataSource, events: ProjectedEvent[]): Promise<void> {
  await ds.query(
    `INSERT INTO event_store.events (global_position, event_id, stream_id, stream_version, type, schema_version, occurred_at,
       recorded_at, data, sources, modality, metadata, content_hash) OVERRIDING SYSTEM VALUE
     SELECT (e->>'globalPosition')::bigint, (e->>'id')::uuid, e->>'subject', (e->>'streamVersion')::int, e->>'type',
       (e->>'schemaVersion')::int, e->>'occurredAt', (e->>'recordedAt')::timestamptz, e->'data', e->'sources', e->>'modality',
       e->'metadata', 'test' FROM jsonb_array_elements($1::jsonb) AS e`,
    [JSON.stringify(events)],
  );
}

/**
 * A runner's test bed for the describe it is called in: a database of its own and a client for the broker, with the
 * DLQ topic the runner publishes to; all of it removed after the tests. Read `ds` and `kafka` inside the tests.
 */
export function runnerTestBed(label: string): { readonly ds: DataSource; readonly kafka: KafkaClient; topics: TopicNames } {
  const { topics } = testTopics(label);
  let db: TestDatabase;
  const bed = { ds: undefined as unknown as DataSource, kafka: undefined as unknown as KafkaClient, topics };
  beforeAll(async () => {
    db = await createTestDatabase(label.replace(/-/g, '_'));
    bed.ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    bed.kafka = testKafka(label);
    await bed.kafka.ensureTopics([{ topic: topics.eventsDlq, partitions: 1 }]);
  });
  afterAll(async () => {
    await bed.kafka.deleteTopics([topics.eventsDlq]).catch(() => undefined);
    await bed.kafka.close();
    await bed.ds.destroy();
    await db.drop();
  });
  return bed;
}
