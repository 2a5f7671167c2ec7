import { randomUUID } from 'node:crypto';
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import { EventToAppend, PgEventStore } from '@newsroom/event-store';
import { IncomingMessage, KafkaClient, TopicNames } from '@newsroom/messaging';
import { FeedItemsProjection, ProjectionRunner } from '@newsroom/projections';
import { eventToAppend, pollUntil, TEST_KAFKA_BROKERS, TestDatabase } from '@newsroom/testing';
import { ProjectorPipeline, startPipeline } from './support/projector-pipeline.harness';

const departed = (_subject: string, role = 'Chief Technology Officer'): EventToAppend =>
  eventToAppend({ data: { organization: 'org:openai', role, roleCategory: 'c-suite', reason: 'resigned' } });

describe('Projector: real Kafka -> feed read model, exactly-once in effect', () => {
  let p: ProjectorPipeline;
  let db: TestDatabase;
  let ds: DataSource;
  let store: PgEventStore;
  let kafka: KafkaClient;
  let topics: TopicNames;
  let runner: ProjectionRunner;
  const batches: Array<{ topic: string; partition: number; messages: IncomingMessage[] }> = [];

  const feedRows = () => ds.query('SELECT position, event_id, status, headline_en FROM read_model.feed_items ORDER BY position');
  const checkpoints = () =>
    ds.query('SELECT projection, partition, last_position, last_offset FROM read_model.projection_checkpoints ORDER BY partition');

  /** Appends and publishes an event of `subject` after a bad message, and waits until the feed has it. */
  const projectedAfter = async (subject: string) => {
    const after = departed(subject);
    await store.append({ streamId: subject, expectedVersion: 0, events: [after] });
    await p.publishAll();
    await pollUntil(async () => (await ds.query('SELECT 1 FROM read_model.feed_items WHERE event_id = $1', [after.eventId])).length === 1, {
      timeoutMs: 20000,
      what: `the event after the bad message on ${subject}`,
    });
  };
  /** The first dead letter on the events DLQ that `matches`, read by a consumer of its own. */
  const deadLetter = async (matches: (m: IncomingMessage) => boolean, what: string): Promise<IncomingMessage> => {
    const dlq: IncomingMessage[] = [];
    const reader = kafka.consumer({
      groupId: `dlq-${randomUUID()}`,
      topics: [topics.eventsDlq],
      handler: async (b) => void dlq.push(...b.messages),
    });
    await reader.start();
    try {
      return await pollUntil(() => dlq.find(matches) ?? null, { timeoutMs: 20000, what });
    } finally {
      await reader.stop();
    }
  };

  beforeAll(async () => {
    p = await startPipeline('projector', { partitions: 6 });
    ({ db, ds, store, kafka, topics } = p);
    ({ runner } = await p.startProjector([new FeedItemsProjection()], { onBatch: (batch) => batches.push(batch) }));
  });

  afterAll(async () => {
    await p?.close();
  });

  it('folds every event into the feed with English and French headlines and advances the watermark', async () => {
    for (let i = 0; i < 40; i++)
      await store.append({ streamId: `person:p-${i % 10}`, expectedVersion: 'any', events: [departed(`person:p-${i % 10}`)] });
    await p.publishAll();
    const head = await store.headPosition();
    await pollUntil(async () => (await p.watermark()) === head, { timeoutMs: 30000, what: 'feed watermark to reach the head' });
    const rows = await feedRows();
    expect(rows).toHaveLength(40);
    expect(rows[0].headline_en).toMatch(/Chief Technology Officer/);
  });

  it('changes nothing when a batch is delivered again', async () => {
    const before = { rows: await feedRows(), cps: await checkpoints() };
    for (const batch of batches.slice(0, 3)) await runner.handleBatch(batch);
    expect(await feedRows()).toEqual(before.rows);
    expect(await checkpoints()).toEqual(before.cps);
  });

  it('changes nothing when the relay republishes the whole log (crash between publish and checkpoint)', async () => {
    const before = await feedRows();
    const offsetsBefore = await kafka.topicOffsets(topics.events);
    await db.pool.query('UPDATE event_store.relay_checkpoints SET position = 0');
    await p.publishAll();
    const total = (o: { high: string }[]) => o.reduce((n, p) => n + Number(p.high), 0);
    expect(total(await kafka.topicOffsets(topics.events))).toBe(total(offsetsBefore) + 40);
    await pollUntil(
      async () => {
        const cps = await checkpoints();
        const offsets = await kafka.topicOffsets(topics.events);
        return (
          offsets.every(
            (o) =>
              Number(o.high) === 0 ||
              cps.some(
                (c: { partition: number; last_offset: string }) => c.partition === o.partition && Number(c.last_offset) < Number(o.high),
              ),
          ) && batches.reduce((n, b) => n + b.messages.length, 0) >= 80
        );
      },
      { timeoutMs: 30000, what: 'the republished messages to be consumed' },
    );
    expect(await feedRows()).toEqual(before);
  });

  it('marks the original item when a correction or a retraction arrives', async () => {
    const original = departed('person:fix-me');
    await store.append({ streamId: 'person:fix-me', expectedVersion: 0, events: [original] });
    const correction: EventToAppend = {
      ...departed('person:fix-me'),
      eventId: randomUUID(),
      type: 'event.corrected',
      data: { targetEventId: original.eventId, changes: { occurredAt: '2024-09-25' }, reason: 'exact date confirmed' },
    };
    await store.append({ streamId: 'person:fix-me', expectedVersion: 1, events: [correction] });
    await p.publishAll();
    const status = async () =>
      (await ds.query('SELECT status FROM read_model.feed_items WHERE event_id = $1', [original.eventId]))[0]?.status;
    await pollUntil(async () => (await status()) === 'corrected', { timeoutMs: 20000, what: 'the original to be marked corrected' });
    const item = (
      await ds.query('SELECT headline_en, target_event_id FROM read_model.feed_items WHERE event_id = $1', [correction.eventId])
    )[0];
    expect(item.target_event_id).toBe(original.eventId);
    expect(item.headline_en).toMatch(/^Correction: /);
  });

  it('dead-letters a message it cannot read and moves on to the next one', async () => {
    await kafka.publish(topics.events, [{ key: 'person:poison', value: 'this is not json' }]);
    await projectedAfter('person:poison');
    const letter = await deadLetter((m) => m.value.toString() === 'this is not json', 'the DLQ message');
    expect(letter.headers['dlq-error']).toMatch(/JSON/);
  });

  it('dead-letters the records of a batch it cannot decompress (a GZIP bomb of ~70 kB) and moves on', async () => {
    const producer = new Kafka({ clientId: 'bomb', brokers: TEST_KAFKA_BROKERS, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    await producer.send({
      topic: topics.events,
      compression: CompressionTypes.GZIP,
      messages: [{ key: 'person:bomb', value: Buffer.alloc(65 * 1024 * 1024, 0x20) }],
    });
    await producer.disconnect();
    await projectedAfter('person:bomb');
    const bomb = await deadLetter(
      (m) => /^cannot decompress a GZIP record batch/.test(String(m.headers['dlq-error'])),
      "the bomb's dead letter",
    );
    expect(bomb.headers['dlq-error']).toMatch(/it decompresses to more than the 64 MiB a record batch may take here \(1 records/);
    expect(bomb.headers['dlq-source-offset']).toMatch(/^\d+$/);
  });
});
