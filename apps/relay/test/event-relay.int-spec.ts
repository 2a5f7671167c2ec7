import { randomUUID } from 'node:crypto';
import { PgEventStore, EventToAppend } from '@newsroom/event-store';
import { EVENT_HEADERS, KafkaClient, IncomingMessage, partitionOfKey, Publisher } from '@newsroom/messaging';
import { createTestDatabase, eventToAppend, pollUntil, TestDatabase, testKafka, testTopics } from '@newsroom/testing';
import { EventRelay, EventRelayOptions } from '../src/relay/event-relay.service';
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

  const relayWith = (publisher: Publisher, options: Partial<EventRelayOptions> = {}) =>
    new EventRelay(db.pool, store, publisher, new RelayCheckpoints(db.pool), {
      topic: topics.events,
      batchSize: 50,
      idleWaitMs: 50,
      maxBackoffMs: 200,
      leaderLockKey: Math.floor(Math.random() * 1e9),
      ...options,
    });

  /** Every message of `topic` from its start, read by a consumer group of its own until `enough` says so. */
  const readTopic = async (topic: string, enough: (received: IncomingMessage[]) => boolean, what: string) => {
    const received: IncomingMessage[] = [];
    const consumer = kafka.consumer({
      groupId: `read-${randomUUID()}`,
      topics: [topic],
      handler: async (b) => void received.push(...b.messages),
    });
    await consumer.start();
    try {
      await pollUntil(() => enough(received), { timeoutMs: 30000, what });
    } finally {
      await consumer.stop();
    }
    return received;
  };

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

    const received = await readTopic(topics.events, (r) => r.length >= 30, '30 messages');

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

  it('publishes each append on its NOTIFY with one read of its checkpoint and the log, not a second that could only come back empty', async () => {
    // An idle poll far beyond the test: only the appends' NOTIFYs can make the relay read.
    const relay = relayWith(kafka, { idleWaitMs: 600_000 });
    relay.start();
    const checkpoint = () => new RelayCheckpoints(db.pool).load(topics.events);
    await pollUntil(async () => relay.getStatus().leader && (await checkpoint()) === (await store.headPosition()), {
      what: 'relay to catch up',
    });
    await new Promise((r) => setTimeout(r, 200));
    // Every read of the log or of the checkpoint the relay makes.
    const reads: string[] = [];
    const checkpoints = (relay as unknown as { checkpoints: RelayCheckpoints }).checkpoints;
    const readAll = store.readAll.bind(store);
    const load = checkpoints.load.bind(checkpoints);
    const loadWithEvents = checkpoints.loadWithEvents.bind(checkpoints);
    const spies = [
      jest.spyOn(store, 'readAll').mockImplementation(async (after, limit) => (reads.push('events'), readAll(after, limit))),
      jest.spyOn(checkpoints, 'load').mockImplementation(async (...a) => (reads.push('checkpoint'), load(...a))),
      jest
        .spyOn(checkpoints, 'loadWithEvents')
        .mockImplementation(async (...a) => (reads.push('checkpoint and events'), loadWithEvents(...a))),
    ];
    try {
      for (let i = 1; i <= 5; i++) {
        const [appended] = await store.append({ streamId: 'org:notified', expectedVersion: 'any', events: [event(100 + i)] });
        await pollUntil(async () => (await checkpoint()) === appended.globalPosition, {
          timeoutMs: 10_000,
          what: `event ${appended.globalPosition} published on its NOTIFY`,
        });
        await new Promise((r) => setTimeout(r, 100));
        // One read per append, the checkpoint and the event in one statement: it found the event (a batch short of
        // its limit), and the relay went back to waiting.
        expect(reads).toEqual(Array(i).fill('checkpoint and events'));
      }
    } finally {
      for (const spy of spies) spy.mockRestore();
      await relay.stop();
    }
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

  it("links every message to the log's previous event on its partition (partition-prev-position), across a failed cycle and a restart", async () => {
    const { topics: own } = testTopics('relay-chain');
    await kafka.ensureTopics([{ topic: own.events, partitions: 3 }]);
    try {
      let calls = 0;
      let seeded = 0;
      // The third produce request fails after its first half went out: the relay reads again from its checkpoint.
      const flaky: Publisher = {
        publish: async (topic, messages, options) => {
          if (++calls !== 3) return kafka.publish(topic, messages, options);
          await kafka.publish(topic, messages.slice(0, Math.ceil(messages.length / 2)), options);
          throw new Error('broker went away mid-request');
        },
      };
      const chained = (publisher: Publisher) =>
        relayWith(publisher, {
          topic: own.events,
          batchSize: 10,
          maxBackoffMs: 100,
          // The broker cannot be asked when the chain is made again after the failed cycle: the last count given serves.
          partitionCount: async () => {
            if (++seeded === 2) throw new Error('metadata request timed out');
            return (await kafka.topicOffsets(own.events)).length;
          },
        });
      const head = async () => (await new RelayCheckpoints(db.pool).load(own.events)) === (await store.headPosition());
      // From the log's start (this topic's checkpoint is 0), the first test's 30 events included.
      for (let i = 1; i <= 40; i++) await store.append({ streamId: `org:c${i % 7}`, expectedVersion: 'any', events: [event(i)] });
      const first = chained(flaky);
      first.start();
      await pollUntil(head, { what: 'the first relay to catch up' });
      await first.stop();
      expect(calls).toBeGreaterThan(3);
      // A chain is made at the start and again after the failed cycle, not per cycle (7 or more reads of 10 events);
      // the second time with the count the broker gave the first.
      expect(seeded).toBe(2);
      // A restart: the new relay seeds its chain from the store.
      for (let i = 41; i <= 60; i++) await store.append({ streamId: `org:c${i % 7}`, expectedVersion: 'any', events: [event(i)] });
      const second = chained(kafka);
      second.start();
      await pollUntil(head, { what: 'the second relay to catch up' });
      await second.stop();

      const log: Array<{ position: string; stream_id: string }> = await db.pool
        .query('SELECT global_position::text AS position, stream_id FROM event_store.events ORDER BY global_position')
        .then((r) => r.rows);
      const expected = new Map<string, string>();
      const last = new Map<number, string>();
      for (const { position, stream_id } of log) {
        const p = partitionOfKey(stream_id, 3);
        expected.set(position, last.get(p) ?? '0');
        last.set(p, position);
      }
      const published = new Set<string>();
      const received = await readTopic(
        own.events,
        (r) => {
          for (const m of r) published.add(m.headers[EVENT_HEADERS.globalPosition]);
          return published.size >= log.length;
        },
        'the chained messages',
      );
      // Every message, duplicates from the failed cycle included, names the previous event of the log on its partition.
      for (const m of received) {
        const position = m.headers[EVENT_HEADERS.globalPosition];
        expect({ position, partition: m.partition, prev: m.headers[EVENT_HEADERS.partitionPrevPosition] }).toEqual({
          position,
          partition: partitionOfKey(m.key!, 3),
          prev: expected.get(position),
        });
      }
      expect(received.length).toBeGreaterThan(published.size); // the failed cycle's first half went out twice
    } finally {
      await kafka.deleteTopics([own.events]).catch(() => undefined);
    }
  });
});
