import { randomUUID } from 'node:crypto';
import { PgEventStore, EventToAppend } from '@newsroom/event-store';
import { EVENT_HEADERS, KafkaClient, IncomingMessage } from '@newsroom/messaging';
import { createTestDatabase, eventToAppend, pollUntil, TestDatabase, testKafka, testTopics } from '@newsroom/testing';
import { EventRelay } from '../src/relay/event-relay.service';
import { RelayCheckpoints } from '../src/relay/relay-checkpoints.repository';

const event = (i: number): EventToAppend =>
  eventToAppend({
    type: 'headcount.reported',
    occurredAt: '2024',
    data: { total: i },
    metadata: { correlationId: `corr-${i}`, causationId: `cause-${i}`, actor: 'test' },
  });

describe('EventRelay: event store -> real Kafka', () => {
  let db: TestDatabase;
  let store: PgEventStore;
  let kafka: KafkaClient;
  const { topics } = testTopics('relay');

  beforeAll(async () => {
    db = await createTestDatabase('relay');
    store = new PgEventStore(db.pool);
    kafka = testKafka('relay-test');
    await kafka.ensureTopics([{ topic: topics.events, partitions: 6 }]);
  });
  afterAll(async () => {
    await kafka.deleteTopics([topics.events]).catch(() => undefined);
    await kafka.close();
    await db.drop();
  });

  const relayWith = (publisher: KafkaClient) =>
    new EventRelay(db.pool, store, publisher, new RelayCheckpoints(db.pool), {
      topic: topics.events,
      batchSize: 50,
      idleWaitMs: 50,
      maxBackoffMs: 200,
      leaderLockKey: Math.floor(Math.random() * 1e9),
    });

  it('keeps accepting appends while Kafka is down, then publishes everything in order per stream with headers', async () => {
    const deadBroker = new KafkaClient({ clientId: 'dead', brokers: ['127.0.0.1:1'], connectionTimeoutMs: 200 });
    const down = relayWith(deadBroker);
    down.start();
    for (let i = 1; i <= 30; i++) await store.append({ streamId: `org:s${i % 3}`, expectedVersion: 'any', events: [event(i)] });
    await pollUntil(() => down.getStatus().lastError, { what: 'relay to report the broker outage' });
    expect(down.getStatus().checkpoint).toBe('0');
    await down.stop();
    await deadBroker.close();

    const up = relayWith(kafka);
    up.start();
    await pollUntil(async () => (await new RelayCheckpoints(db.pool).load(topics.events)) === (await store.headPosition()), {
      what: 'relay to catch up',
    });
    await up.stop();

    const received: IncomingMessage[] = [];
    const consumer = kafka.consumer({
      groupId: `check-${randomUUID()}`,
      topics: [topics.events],
      handler: async (b) => void received.push(...b.messages),
    });
    await consumer.start();
    await pollUntil(() => received.length >= 30, { timeoutMs: 30000, what: '30 messages' });
    await consumer.stop();

    const bySubject = new Map<string, number[]>();
    for (const m of received) {
      const body = JSON.parse(m.value.toString());
      expect(m.key).toBe(body.subject);
      expect(m.headers[EVENT_HEADERS.eventId]).toBe(body.id);
      expect(m.headers[EVENT_HEADERS.globalPosition]).toBe(body.globalPosition);
      expect(m.headers[EVENT_HEADERS.type]).toBe('headcount.reported');
      expect(m.headers[EVENT_HEADERS.schemaVersion]).toBe('1');
      expect(m.headers[EVENT_HEADERS.correlationId]).toBe(`corr-${body.data.total}`);
      expect(m.headers[EVENT_HEADERS.causationId]).toBe(`cause-${body.data.total}`);
      bySubject.set(body.subject, [...(bySubject.get(body.subject) ?? []), body.streamVersion]);
    }
    for (const versions of bySubject.values()) expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(received.map((m) => m.headers[EVENT_HEADERS.eventId])).size).toBe(30);
  });

  it('lets only one relay per database publish (advisory-lock leadership)', async () => {
    const a = relayWith(kafka);
    const key = (a as unknown as { options: { leaderLockKey: number } }).options.leaderLockKey;
    const b = new EventRelay(db.pool, store, kafka, new RelayCheckpoints(db.pool), {
      topic: topics.events,
      batchSize: 50,
      idleWaitMs: 50,
      maxBackoffMs: 200,
      leaderLockKey: key,
    });
    a.start();
    await pollUntil(() => a.getStatus().leader, { what: 'a to lead' });
    b.start();
    await new Promise((r) => setTimeout(r, 300));
    expect(b.getStatus().leader).toBe(false);
    await a.stop();
    await pollUntil(() => b.getStatus().leader, { timeoutMs: 10000, what: 'b to take over' });
    await b.stop();
  });
});
