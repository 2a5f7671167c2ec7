import { randomUUID } from 'node:crypto';
import { StoredEvent } from '@newsroom/event-store';
import { EVENT_HEADERS, IncomingMessage, KafkaClient, OutgoingMessage, Publisher } from '@newsroom/messaging';
import { eventToAppend, pollUntil } from '@newsroom/testing';
import { EventRelay } from '../src/relay/event-relay.service';
import { relayWorld } from './support/relay-world.harness';
import { Queryable, RelayCheckpoints } from '../src/relay/relay-checkpoints.repository';

const TOTAL = 120;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The real producer, slowed down (each request takes 40 ms more before it is acknowledged) so reads and saves
 * have time to overlap it, failing once on request `failOn` (after the broker took it: the relay cannot tell a
 * lost acknowledgement from a lost request). Tracks the highest position acknowledged and what is in flight.
 */
class SlowPublisher implements Publisher {
  acked = 0;
  requests = 0;
  failed = false;
  /** Reads of the log pending when a request left (the read-ahead), and requests that did not extend the acknowledged prefix. */
  readsPending = 0;
  overlapped = 0;
  readonly gaps: string[] = [];
  constructor(
    private readonly kafka: KafkaClient,
    private readonly failOn: number,
  ) {}
  async publish(topic: string, messages: OutgoingMessage[], options?: { withinBudget?: boolean }): Promise<void> {
    if (this.readsPending > 0) this.overlapped++;
    const request = ++this.requests;
    await this.kafka.publish(topic, messages, options);
    await sleep(40);
    if (request === this.failOn) {
      this.failed = true;
      throw new Error('acknowledgement lost (injected)');
    }
    const positions = messages.map((m) => Number(m.headers![EVENT_HEADERS.globalPosition]));
    // One request in flight, each a contiguous run from at most the next position: what is acknowledged is a prefix.
    if (positions[0] > this.acked + 1) this.gaps.push(`request ${request} starts at ${positions[0]}, acknowledged up to ${this.acked}`);
    this.acked = Math.max(this.acked, positions[positions.length - 1]);
  }
}

describe('EventRelay: reading ahead while a batch is in flight keeps the checkpoint behind the acknowledgements', () => {
  const w = relayWorld('relay-pipe', 6);

  it('saves checkpoints in order, never past an acknowledged event, reads overlap publishing, and a failure loses nothing', async () => {
    for (let i = 0; i < TOTAL; i += 10) {
      await w.store.appendMany(
        Array.from({ length: 10 }, (_, k) => ({
          streamId: `org:s${k}`,
          expectedVersion: 'any' as const,
          events: [eventToAppend({ type: 'headcount.reported', occurredAt: '2024', data: { total: i + k } })],
        })),
      );
    }
    const head = await w.store.headPosition();
    expect(head).toBe(String(TOTAL));

    const publisher = new SlowPublisher(w.kafka, 4);
    const saved: Array<{ position: number; ackedWhenSaved: number }> = [];
    class WatchedCheckpoints extends RelayCheckpoints {
      override async save(name: string, position: string, db?: Queryable): Promise<void> {
        saved.push({ position: Number(position), ackedWhenSaved: publisher.acked });
        await super.save(name, position, db);
      }
    }
    const readAll = w.store.readAll.bind(w.store);
    jest.spyOn(w.store, 'readAll').mockImplementation(async (after: string | number, limit: number): Promise<StoredEvent[]> => {
      publisher.readsPending++;
      try {
        return await readAll(after, limit);
      } finally {
        publisher.readsPending--;
      }
    });

    const relay = new EventRelay(w.db.pool, w.store, publisher, new WatchedCheckpoints(w.db.pool), {
      topic: w.topic,
      batchSize: 10,
      idleWaitMs: 50,
      maxBackoffMs: 200,
      leaderLockKey: Math.floor(Math.random() * 1e9),
    });
    relay.start();
    await pollUntil(() => publisher.failed, { timeoutMs: 20000, what: 'the injected failure' });
    // The failed request's events were not acknowledged: the checkpoint stays at or behind what was.
    expect(Number(await new RelayCheckpoints(w.db.pool).load(w.topic))).toBeLessThanOrEqual(publisher.acked);
    await pollUntil(async () => (await new RelayCheckpoints(w.db.pool).load(w.topic)) === head, {
      timeoutMs: 30000,
      what: `relay to publish everything (status ${JSON.stringify(relay.getStatus())})`,
    });
    await relay.stop();
    jest.restoreAllMocks();

    // Batches of 10 (one request each): the next batch was being read while the one before it was in flight.
    expect(publisher.overlapped).toBeGreaterThan(5);
    expect(publisher.gaps).toEqual([]);
    // Checkpoints go up, one save per acknowledged request, never past what Kafka acknowledged.
    expect(saved.length).toBeGreaterThanOrEqual(TOTAL / 10);
    for (let i = 0; i < saved.length; i++) {
      expect(saved[i].position).toBeLessThanOrEqual(saved[i].ackedWhenSaved);
      if (i > 0) expect(saved[i].position).toBeGreaterThan(saved[i - 1].position);
    }

    // At least once: every event reached Kafka (the failed request's again, after the retry), in order per key.
    const received: IncomingMessage[] = [];
    const consumer = w.kafka.consumer({
      groupId: `check-${randomUUID()}`,
      topics: [w.topic],
      fromBeginning: true,
      handler: async (b) => void received.push(...b.messages),
    });
    await consumer.start();
    await pollUntil(() => new Set(received.map((m) => m.headers[EVENT_HEADERS.eventId])).size >= TOTAL, {
      timeoutMs: 30000,
      what: `${TOTAL} distinct events`,
    });
    await consumer.stop();
    const byKey = new Map<string, number[]>();
    for (const m of received) byKey.set(m.key!, [...(byKey.get(m.key!) ?? []), Number(m.headers[EVENT_HEADERS.globalPosition])]);
    for (const positions of byKey.values()) {
      // A republished run repeats a stretch; what follows it continues in order.
      const firsts = positions.filter((p, i) => positions.indexOf(p) === i);
      expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
    }
  });
});
