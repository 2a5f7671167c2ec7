import { randomUUID } from 'node:crypto';
import { EventToAppend, PgEventStore } from '@newsroom/event-store';
import { EVENT_HEADERS, IncomingMessage, KafkaClient, OutgoingMessage, Publisher } from '@newsroom/messaging';
import { createTestDatabase, eventToAppend, pollUntil, TestDatabase, testKafka, testTopics } from '@newsroom/testing';
import { EventRelay } from '../src/relay/event-relay.service';
import { RelayCheckpoints } from '../src/relay/relay-checkpoints.repository';

/** Every publish call of both relays, numbered in the order they started. */
const publishes: Array<{ who: string; seq: number }> = [];
let seq = 0;
const recording = (who: string, inner: Publisher): Publisher => ({
  publish: async (topic: string, messages: OutgoingMessage[]) => {
    publishes.push({ who, seq: ++seq });
    await inner.publish(topic, messages);
  },
});

describe('EventRelay leadership: a relay whose lock session dies stops publishing', () => {
  let db: TestDatabase;
  let store: PgEventStore;
  const clients: KafkaClient[] = [];
  const relays: EventRelay[] = [];
  let appending = false;
  let appender: Promise<number> = Promise.resolve(0);
  const { topics } = testTopics('relay-lead');
  const lockKey = 1 + Math.floor(Math.random() * 1e9);

  beforeAll(async () => {
    db = await createTestDatabase('relay_lead');
    store = new PgEventStore(db.pool);
    clients.push(testKafka('relay-lead-a'), testKafka('relay-lead-b'), testKafka('relay-lead-check'));
    await clients[2].ensureTopics([{ topic: topics.events, partitions: 3 }]);
  });
  afterAll(async () => {
    appending = false;
    await appender.catch(() => undefined);
    await Promise.allSettled(relays.map((r) => r.stop()));
    await clients[2].deleteTopics([topics.events]).catch(() => undefined);
    await Promise.allSettled(clients.map((c) => c.close()));
    await db.drop();
  });

  // a, once deposed, stands by 3 s before trying the lock again; b polls it every 100 ms, so b takes over.
  const relay = (who: string, kafka: KafkaClient, standbyPollMs: number) => {
    const r = new EventRelay(db.pool, store, recording(who, kafka), new RelayCheckpoints(db.pool), {
      topic: topics.events,
      batchSize: 20,
      idleWaitMs: 20,
      maxBackoffMs: 300,
      leaderLockKey: lockKey,
      standbyPollMs,
    });
    relays.push(r);
    return r;
  };

  /** Appends one event at a time to six streams until told to stop; returns how many it appended. */
  async function appendContinuously(): Promise<number> {
    let n = 0;
    while (appending && n < 2000) {
      const e = eventToAppend({ type: 'headcount.reported', occurredAt: '2024', data: { total: n } }) as EventToAppend;
      await store.append({ streamId: `org:s${n % 6}`, expectedVersion: 'any', events: [e] });
      n++;
      await new Promise((r) => setTimeout(r, 5));
    }
    return n;
  }

  it('after pg_terminate_backend on the leader, only the new leader publishes; every event arrives, first seen in position order', async () => {
    const a = relay('a', clients[0], 3000);
    const b = relay('b', clients[1], 100);
    appending = true;
    appender = appendContinuously();
    a.start();
    await pollUntil(() => a.getStatus().leader && a.getStatus().published > 20, { what: 'a to lead and publish' });
    b.start();
    await new Promise((r) => setTimeout(r, 300));
    expect(b.getStatus().leader).toBe(false);

    const { rows } = await db.pool.query(
      `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = 0 AND objid = $1
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [lockKey],
    );
    expect(rows).toHaveLength(1);
    const terminatedAt = Date.now();
    await db.pool.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
    await pollUntil(() => !a.getStatus().leader, { timeoutMs: 5000, what: 'a to notice it lost the lease' });
    const noticedMs = Date.now() - terminatedAt;

    await pollUntil(() => b.getStatus().leader && b.getStatus().published > 0, { timeoutMs: 20000, what: 'b to take over and publish' });
    process.stderr.write(
      `relay leadership: a noticed the lost lease in ${noticedMs} ms; b published after ${Date.now() - terminatedAt} ms\n`,
    );
    const bPublishedAtTakeover = b.getStatus().published;
    await pollUntil(() => b.getStatus().published > bPublishedAtTakeover + 40, { timeoutMs: 20000, what: 'b to keep publishing' });
    appending = false;
    const appended = await appender;
    const head = await store.headPosition();
    await pollUntil(async () => (await new RelayCheckpoints(db.pool).load(topics.events)) === head, {
      timeoutMs: 20000,
      what: 'relays to catch up',
    });

    // At most one relay publishes at a time: once b has published, a never starts another publish.
    const firstB = publishes.find((p) => p.who === 'b')!.seq;
    expect(publishes.filter((p) => p.who === 'a' && p.seq > firstB)).toEqual([]);
    expect(a.getStatus().leader).toBe(false);

    const received: IncomingMessage[] = [];
    const consumer = clients[2].consumer({
      groupId: `check-${randomUUID()}`,
      topics: [topics.events],
      fromBeginning: true,
      handler: async (batch) => void received.push(...batch.messages),
    });
    await consumer.start();
    await pollUntil(() => new Set(received.map((m) => m.headers[EVENT_HEADERS.eventId])).size >= appended, {
      timeoutMs: 30000,
      what: `${appended} distinct events`,
    });
    await consumer.stop();

    expect(new Set(received.map((m) => m.headers[EVENT_HEADERS.eventId])).size).toBe(appended);
    // Downstream dedupes by position: per partition, the positions first seen must be strictly increasing.
    const firstSeen = new Map<number, number[]>();
    const dedupe = new Set<string>();
    for (const m of received) {
      const p = m.headers[EVENT_HEADERS.globalPosition];
      if (dedupe.has(p)) continue;
      dedupe.add(p);
      firstSeen.set(m.partition, [...(firstSeen.get(m.partition) ?? []), Number(p)]);
    }
    for (const positions of firstSeen.values()) expect(positions).toEqual([...positions].sort((x, y) => x - y));

    // The deposed relay went back to standby: it leads again once b stops.
    await b.stop();
    await pollUntil(() => a.getStatus().leader, { timeoutMs: 15000, what: 'a to lead again' });
  });
});
