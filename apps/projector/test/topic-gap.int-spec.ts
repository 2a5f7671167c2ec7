import { randomUUID } from 'node:crypto';
import { Admin, Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import { EventToAppend, PgEventStore } from '@newsroom/event-store';
import { KafkaClient, ManagedConsumer, TopicNames } from '@newsroom/messaging';
import { advanceFeedWatermark, createProjections, partitionOfKey, ProjectionRunner } from '@newsroom/projections';
import { eventToAppend, pollUntil, TEST_KAFKA_BROKERS } from '@newsroom/testing';
import { losingRelay, publishAll, ProjectorPipeline, startPipeline } from './support/projector-pipeline.harness';
import { expectLikeRebuild } from './support/read-models.harness';

// Stall 8: Kafka forgets (retention, a recreated topic, a broker that loses acknowledged records); the event store
// does not. A projector whose next events are gone from the topic fills the gap from the store.
const NAMES = ['feed', 'departures'];
const PARTITIONS = 3;
const departed = (n: number): EventToAppend =>
  eventToAppend({ data: { organization: `org:o-${n % 7}`, role: `Officer ${n}`, roleCategory: 'c-suite', reason: 'resigned' } });

describe('Projector: events the topic no longer holds are read from the event store', () => {
  let p: ProjectorPipeline;
  let ds: DataSource;
  let store: PgEventStore;
  let kafka: KafkaClient;
  let topics: TopicNames;
  let admin: Admin;
  let consumer: ManagedConsumer | null = null;
  let runner: ProjectionRunner | null = null;
  const groupId = `topic-gap-${randomUUID()}`;
  let appended = 0;
  const filled: number[] = [];

  const append = async (count: number) => {
    for (let i = 0; i < count; i++, appended++)
      await store.append({ streamId: `person:p-${appended % 23}`, expectedVersion: 'any', events: [departed(appended)] });
    await p.publishAll();
  };
  /** Appends `count` events to the store only (nothing published) and returns them in log order. */
  const record = async (count: number): Promise<Array<{ position: string; stream_id: string }>> => {
    const from = Number(await store.headPosition());
    for (let i = 0; i < count; i++, appended++)
      await store.append({ streamId: `person:p-${appended % 23}`, expectedVersion: 'any', events: [departed(appended)] });
    return ds.query(
      'SELECT global_position::text AS position, stream_id FROM event_store.events WHERE global_position > $1 ORDER BY global_position',
      [from],
    );
  };
  const start = async () => {
    ({ consumer, runner } = await p.startProjector(createProjections(NAMES), {
      groupId,
      partitionsConsumedConcurrently: PARTITIONS,
      runner: {
        partitionCount: async (topic) => (await kafka.topicOffsets(topic)).length,
        onGapFilled: (_partition, events) => void filled.push(events),
      },
    }));
  };
  const stop = async () => {
    await consumer?.stop();
    consumer = null;
  };
  const caughtUp = async () => {
    const head = await store.headPosition();
    // Moved after every batch, and once a second by the projector service (a backlog larger than one scan window).
    await pollUntil(async () => (await advanceFeedWatermark(ds.manager)) === head, {
      timeoutMs: 60000,
      what: `the feed watermark to reach ${head}`,
    });
  };

  beforeAll(async () => {
    p = await startPipeline('topic-gap', { partitions: PARTITIONS, relayBatchSize: 50 });
    ({ ds, store, kafka, topics } = p);
    admin = new Kafka({ clientId: 'topic-gap-admin', brokers: TEST_KAFKA_BROKERS, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.disconnect().catch(() => undefined);
    await p?.close();
  });

  it('puts a key on the partition the relay producer put it on (kafkajs DefaultPartitioner)', async () => {
    await append(40);
    const rows = await ds.query('SELECT stream_id, global_position::text AS position FROM event_store.events');
    const seen = new Map<string, number>();
    const probe = kafka.consumer({
      groupId: `probe-${randomUUID()}`,
      topics: [topics.events],
      handler: async (b) => b.messages.forEach((m) => seen.set(m.headers['global-position'], b.partition)),
    });
    await probe.start();
    await pollUntil(() => seen.size >= rows.length, { timeoutMs: 30000, what: 'every message to be seen' });
    await probe.stop();
    for (const r of rows)
      expect({ position: r.position, partition: seen.get(r.position) }).toEqual({
        position: r.position,
        partition: partitionOfKey(r.stream_id, PARTITIONS),
      });
  });

  it('fills from the store what retention deleted before the projector read it', async () => {
    await start();
    await caughtUp();
    await stop();
    // Published while the projector is down, then deleted from the topic as retention would.
    await append(60);
    const offsets = await admin.fetchTopicOffsets(topics.events); // also loads the metadata deleteTopicRecords needs
    await admin.deleteTopicRecords({
      topic: topics.events,
      partitions: offsets.map((o) => ({ partition: o.partition, offset: String(Math.max(0, Number(o.high) - 3)) })),
    });
    expect((await admin.fetchTopicOffsets(topics.events)).every((o) => Number(o.low) > 0)).toBe(true);
    await append(30);
    await start();
    await caughtUp();
    expect(filled.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    await expectLikeRebuild(ds, NAMES, { feedEvents: appended });
  });

  it('fills from the store what a recreated topic never delivered', async () => {
    await stop();
    filled.length = 0;
    await append(30);
    // The topic is deleted (with events the projector never read) and recreated; the relay goes on publishing.
    await kafka.deleteTopics([topics.events]);
    await pollUntil(async () => !(await admin.listTopics()).includes(topics.events), { timeoutMs: 30000, what: 'the topic to be deleted' });
    await pollUntil(
      async () =>
        await kafka.ensureTopics([{ topic: topics.events, partitions: PARTITIONS }]).then(
          () => true,
          () => false,
        ),
      { timeoutMs: 30000, what: 'the topic to be recreated' },
    );
    await append(30);
    await start();
    await caughtUp();
    expect(filled.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    await expectLikeRebuild(ds, NAMES, { feedEvents: appended });
  });

  it('fills from the store what the broker lost after acknowledging it (the relay partition chain)', async () => {
    await stop();
    filled.length = 0;
    // Recorded, then published by a relay whose broker acknowledges three of them and keeps none: on the topic the
    // offsets run on without a hole, so only the relay's partition-prev-position shows what is missing.
    const rows = await record(60);
    // One early, one in the middle, one late: each has a later event on its partition, which shows the gap.
    const lost = new Set(
      [5, 29, 50].map((i) => {
        const p = partitionOfKey(rows[i].stream_id, PARTITIONS);
        expect(rows.slice(i + 1).some((r) => partitionOfKey(r.stream_id, PARTITIONS) === p)).toBe(true);
        return rows[i].position;
      }),
    );
    const { relay: losing, dropped } = losingRelay(p.db, store, kafka, topics.events, lost);
    await publishAll(losing);
    expect(dropped.sort()).toEqual([...lost].sort());
    await start();
    await caughtUp();
    expect(filled.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(lost.size);
    await expectLikeRebuild(ds, NAMES, { feedEvents: appended });
    const inFeed = await ds.query('SELECT position::text AS position FROM read_model.feed_items WHERE position = ANY($1::bigint[])', [
      [...lost],
    ]);
    expect(inFeed.map((r: { position: string }) => r.position).sort()).toEqual([...lost].sort());
  });

  it("fills from the store a lost record no later message shows, its partition's last (the projector's progress check)", async () => {
    await stop();
    filled.length = 0;
    const rows = await record(30);
    // The last event recorded: no later message on its partition carries a partition-prev-position pointing past it.
    const lost = rows[rows.length - 1].position;
    const { relay: losing, dropped } = losingRelay(p.db, store, kafka, topics.events, new Set([lost]));
    await publishAll(losing);
    expect(dropped).toEqual([lost]);
    const offsets = () => kafka.topicOffsets(topics.events);

    // While the partition still has messages to deliver, nothing is taken from the store: the consumer is behind.
    const idle = new ProjectionRunner(ds, createProjections(NAMES), kafka, { dlqTopic: topics.eventsDlq, maxAttempts: 2 });
    expect(await idle.fillLostTail(topics.events, await p.watermark(), offsets)).toBe(0);
    expect((await ds.query('SELECT count(*)::int AS n FROM read_model.feed_items'))[0].n).toBe(appended - rows.length);

    // Every message delivered, the watermark waits before the lost one; the progress check finds and fills it.
    await start();
    const waitsAt = rows[rows.length - 2].position;
    await pollUntil(async () => (await advanceFeedWatermark(ds.manager)) === waitsAt, {
      timeoutMs: 60000,
      what: `the watermark at ${waitsAt}`,
    });
    expect(await runner!.fillLostTail(topics.events, await p.watermark(), offsets)).toBe(1);
    expect(await advanceFeedWatermark(ds.manager)).toBe(lost);
    expect(await runner!.fillLostTail(topics.events, await p.watermark(), offsets)).toBe(0);
    expect(filled).toEqual([1]);
    await expectLikeRebuild(ds, NAMES, { feedEvents: appended });
  });
});
