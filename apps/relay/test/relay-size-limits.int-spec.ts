import { randomUUID } from 'node:crypto';
import { Kafka, ConfigResourceTypes, logLevel } from 'kafkajs';
import { EventToAppend, PgEventStore } from '@newsroom/event-store';
import { EVENT_HEADERS, IncomingMessage, KafkaClient } from '@newsroom/messaging';
import { DEFAULT_MAX_EVENT_BYTES, eventRecordBytes, recordBytes, topicMaxMessageBytes, topicSizeConfig } from '@newsroom/platform';
import { createTestDatabase, eventToAppend, pollUntil, TEST_KAFKA_BROKERS, TestDatabase, testKafka, testTopics } from '@newsroom/testing';
import { EventRelay } from '../src/relay/event-relay.service';
import { RelayCheckpoints } from '../src/relay/relay-checkpoints.repository';

/** The one setting, at its default (1 MiB). */
const MAX_EVENT_BYTES = DEFAULT_MAX_EVENT_BYTES;

/** An event whose record, as ingest measures it, is `bytes` long (padding in data.note). */
function eventOfSize(subject: string, bytes: number): EventToAppend {
  const e = eventToAppend({ type: 'executive.departed', data: { organization: 'org:x', role: 'CTO', note: '' } }) as EventToAppend;
  const size = () => eventRecordBytes({ subject, ...e }, e.metadata);
  (e.data as { note: string }).note = 'x'.repeat(bytes - size());
  expect(size()).toBe(bytes);
  return e;
}

describe('EventRelay: batches bounded in bytes, topics sized from NEWSROOM_MAX_EVENT_BYTES', () => {
  let db: TestDatabase;
  let store: PgEventStore;
  let kafka: KafkaClient;
  let relay: EventRelay | null = null;
  const { topics } = testTopics('relay-size');
  const admin = new Kafka({ clientId: 'relay-size-admin', brokers: TEST_KAFKA_BROKERS, logLevel: logLevel.NOTHING }).admin();

  beforeAll(async () => {
    db = await createTestDatabase('relay_size');
    store = new PgEventStore(db.pool);
    kafka = testKafka('relay-size-test');
    await admin.connect();
  });
  afterAll(async () => {
    await relay?.stop().catch(() => undefined);
    await kafka.deleteTopics([topics.events, topics.eventsDlq]).catch(() => undefined);
    await kafka.close();
    await admin.disconnect();
    await db.drop();
  });

  it('publishes the largest accepted event and a batch of large ones: each once, in position order per partition', async () => {
    // The topic exists from an older deployment: a limit below what the events need, and another override.
    await kafka.ensureTopics([
      { topic: topics.events, partitions: 3, config: { 'max.message.bytes': '100000', 'retention.ms': '3600000' } },
    ]);

    const subjects = ['org:a', 'org:b', 'org:c'];
    await store.append({ streamId: 'org:a', expectedVersion: 'any', events: [eventOfSize('org:a', MAX_EVENT_BYTES)] });
    // 30 events of ~200 KiB: one relay batch of 50 events by count is ~6 MB, far above the topic's limit.
    for (let i = 0; i < 10; i++) {
      await store.appendMany(
        subjects.map((s) => ({ streamId: s, expectedVersion: 'any' as const, events: [eventOfSize(s, 200 * 1024 + i)] })),
      );
    }
    const total = 31;
    const head = await store.headPosition();

    const options = {
      topic: topics.events,
      batchSize: 50,
      idleWaitMs: 50,
      maxBackoffMs: 500,
      leaderLockKey: Math.floor(Math.random() * 1e9),
      maxEventBytes: MAX_EVENT_BYTES,
      prepare: () => kafka.ensureTopics([{ topic: topics.events, partitions: 3, config: topicSizeConfig(MAX_EVENT_BYTES) }]),
    };
    relay = new EventRelay(db.pool, store, kafka, new RelayCheckpoints(db.pool), options);
    relay.start();
    await pollUntil(async () => (await new RelayCheckpoints(db.pool).load(topics.events)) === head, {
      timeoutMs: 45000,
      what: `relay to publish everything (relay status: ${JSON.stringify(relay.getStatus())})`,
    }).catch((e) => {
      throw new Error(`${e.message}; relay lastError: ${relay?.getStatus().lastError}`);
    });
    await relay.stop();
    relay = null;

    // The existing topic was raised to what the setting needs, and its other override survived.
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topics.events }],
    });
    const entries = new Map(described.resources[0].configEntries.map((c) => [c.configName, c.configValue]));
    expect(entries.get('max.message.bytes')).toBe(String(topicMaxMessageBytes(MAX_EVENT_BYTES)));
    expect(entries.get('retention.ms')).toBe('3600000');

    const received: IncomingMessage[] = [];
    const consumer = kafka.consumer({
      groupId: `check-${randomUUID()}`,
      topics: [topics.events],
      fromBeginning: true,
      handler: async (b) => void received.push(...b.messages),
    });
    await consumer.start();
    await pollUntil(() => received.length >= total, { timeoutMs: 30000, what: `${total} messages` });
    await new Promise((r) => setTimeout(r, 500));
    await consumer.stop();

    expect(received).toHaveLength(total);
    expect(new Set(received.map((m) => m.headers[EVENT_HEADERS.eventId])).size).toBe(total);
    const byPartition = new Map<number, number[]>();
    for (const m of received) {
      byPartition.set(m.partition, [...(byPartition.get(m.partition) ?? []), Number(m.headers[EVENT_HEADERS.globalPosition])]);
      // The ingest measure bounds the real record the relay published.
      expect(recordBytes({ key: m.key, value: m.value, headers: m.headers })).toBeLessThanOrEqual(MAX_EVENT_BYTES);
    }
    for (const positions of byPartition.values()) expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it('holds at an event above the limit (a store from a larger setting): never skips it, says what to set', async () => {
    // Same store (its first event is 1 MiB), another topic, a relay configured for 256 KiB events.
    const small = 256 * 1024;
    const topic = topics.eventsDlq;
    relay = new EventRelay(db.pool, store, kafka, new RelayCheckpoints(db.pool), {
      topic,
      batchSize: 50,
      idleWaitMs: 50,
      maxBackoffMs: 300,
      leaderLockKey: Math.floor(Math.random() * 1e9),
      maxEventBytes: small,
      prepare: () => kafka.ensureTopics([{ topic, partitions: 1, config: topicSizeConfig(small) }]),
    });
    relay.start();
    const error = await pollUntil(() => relay!.getStatus().lastError, {
      timeoutMs: 20000,
      what: 'the relay to report the oversized event',
    });
    expect(error).toMatch(/at position 1 is a \d+-byte Kafka record.*set NEWSROOM_MAX_EVENT_BYTES to at least \d+/);
    await relay.stop();
    relay = null;
    expect(await new RelayCheckpoints(db.pool).load(topic)).toBe('0');
    expect((await kafka.topicOffsets(topic)).map((o) => o.high)).toEqual(['0']);
  });
});
