import { randomUUID } from 'node:crypto';
import { EventToAppend } from '@newsroom/event-store';
import { EVENT_HEADERS, IncomingMessage, KafkaClient, OutgoingMessage, Publisher } from '@newsroom/messaging';
import { recordBytes } from '@newsroom/platform';
import { eventToAppend, pollUntil } from '@newsroom/testing';
import { EventRelay } from '../src/relay/event-relay.service';
import { relayWorld } from './support/relay-world.harness';
import { RelayCheckpoints } from '../src/relay/relay-checkpoints.repository';

/** RELAY_BATCH_MAX_BYTES at its minimum, so a few ordinary events fill a request. */
const BATCH_MAX_BYTES = 16 * 1024;

const event = (i: number, padding: number): EventToAppend =>
  eventToAppend({ type: 'headcount.reported', occurredAt: '2024', data: { total: i, note: 'n'.repeat(padding) } });

/** The real producer, with what each produce request carried written down. */
class RecordingPublisher implements Publisher {
  readonly requests: Array<{ positions: number[]; bytes: number }> = [];
  constructor(private readonly kafka: KafkaClient) {}
  async publish(topic: string, messages: OutgoingMessage[], options?: { withinBudget?: boolean }): Promise<void> {
    await this.kafka.publish(topic, messages, options);
    this.requests.push({
      positions: messages.map((m) => Number(m.headers![EVENT_HEADERS.globalPosition])),
      bytes: messages.reduce((n, m) => n + recordBytes(m), 0),
    });
  }
}

describe('EventRelay: produce requests bounded by RELAY_BATCH_MAX_BYTES', () => {
  const w = relayWorld('relay-bytes', 3);

  it('splits a read into requests of at most the bound, an event above it alone, every event once and in order', async () => {
    const subjects = ['org:a', 'org:b', 'org:c', 'org:d'];
    // 60 events of about 3 KiB (five or so to a request), and one of 40 KiB in the middle: above the batch bound,
    // far below the event limit, so it must go in a request of its own and not stop the relay.
    for (let i = 0; i < 30; i++) await w.store.append({ streamId: subjects[i % 4], expectedVersion: 'any', events: [event(i, 3000)] });
    await w.store.append({ streamId: 'org:big', expectedVersion: 'any', events: [event(1000, 40 * 1024)] });
    for (let i = 30; i < 60; i++) await w.store.append({ streamId: subjects[i % 4], expectedVersion: 'any', events: [event(i, 3000)] });
    const head = await w.store.headPosition();

    const publisher = new RecordingPublisher(w.kafka);
    const relay = new EventRelay(w.db.pool, w.store, publisher, new RelayCheckpoints(w.db.pool), {
      topic: w.topic,
      batchSize: 500,
      idleWaitMs: 50,
      maxBackoffMs: 200,
      leaderLockKey: Math.floor(Math.random() * 1e9),
      batchMaxBytes: BATCH_MAX_BYTES,
    });
    relay.start();
    await pollUntil(async () => (await new RelayCheckpoints(w.db.pool).load(w.topic)) === head, {
      timeoutMs: 30000,
      what: `relay to publish everything (status ${JSON.stringify(relay.getStatus())})`,
    });
    await relay.stop();
    expect(relay.getStatus().lastError).toBeNull();

    // Every request within the bound, except one holding the large event alone.
    const bigPosition = 31;
    for (const r of publisher.requests) {
      if (r.positions.includes(bigPosition)) expect(r.positions).toEqual([bigPosition]);
      else expect(r.bytes).toBeLessThanOrEqual(BATCH_MAX_BYTES);
    }
    // ...and the bound is used, not one event per request.
    expect(publisher.requests.length).toBeLessThan(61 / 3);
    // Requests in position order, contiguous, each position once.
    expect(publisher.requests.flatMap((r) => r.positions)).toEqual(Array.from({ length: 61 }, (_, i) => i + 1));

    const received: IncomingMessage[] = [];
    const consumer = w.kafka.consumer({
      groupId: `check-${randomUUID()}`,
      topics: [w.topic],
      fromBeginning: true,
      handler: async (b) => void received.push(...b.messages),
    });
    await consumer.start();
    await pollUntil(() => received.length >= 61, { timeoutMs: 30000, what: '61 messages' });
    await consumer.stop();
    expect(new Set(received.map((m) => m.headers[EVENT_HEADERS.eventId])).size).toBe(61);
    const byKey = new Map<string, number[]>();
    for (const m of received) byKey.set(m.key!, [...(byKey.get(m.key!) ?? []), Number(m.headers[EVENT_HEADERS.globalPosition])]);
    for (const positions of byKey.values()) expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });
});
