import { randomUUID } from 'node:crypto';
import { APPEND_LOCK_KEY, EventStoreTimeoutError } from '@newsroom/event-store';
import { createPgPool, DEFAULT_PG_TIMEOUTS } from '@newsroom/platform';
import { IncomingMessage, KafkaClient, ManagedConsumer } from '@newsroom/messaging';
import { createTestDatabase, departedEnvelope, pollUntil, TestDatabase, testKafka, testTopics } from '@newsroom/testing';
import { submissionsProcessor } from './support/submissions.harness';

/**
 * Issue 10, stall 1: one submission Postgres refuses must not block its partition. The valid messages before and
 * after it on the same partition are recorded; only the refused one goes to the dead-letter topic, with the reason.
 */
describe('Kafka submissions: a poisoned message is isolated, its partition moves on (real Postgres and broker)', () => {
  let db: TestDatabase;
  let kafka: KafkaClient;
  const consumers: ManagedConsumer[] = [];
  const { topics } = testTopics('poison');
  const dead: IncomingMessage[] = [];

  const recorded = async (ids: string[]) =>
    (await db.pool.query('SELECT event_id FROM event_store.events WHERE event_id = ANY($1::uuid[])', [ids])).rows.map(
      (r) => r.event_id as string,
    );
  // One key: every message of a test lands on the same partition, in this order.
  const publishInOrder = (key: string, values: unknown[]) =>
    kafka.publish(
      topics.submissions,
      values.map((v) => ({ key, value: JSON.stringify(v), headers: { 'correlation-id': `poison-${key}` } })),
    );
  const lettersFor = (key: string, n: number) =>
    pollUntil(
      () => {
        const mine = dead.filter((m) => m.key === key);
        return mine.length >= n ? mine : null;
      },
      { what: `${n} dead letters for ${key}`, timeoutMs: 30000 },
    );

  beforeAll(async () => {
    db = await createTestDatabase('poison');
    kafka = testKafka('poison-test');
    await kafka.ensureTopics([
      { topic: topics.submissions, partitions: 2 },
      { topic: topics.submissionsDlq, partitions: 1 },
    ]);
    const processor = submissionsProcessor(db.pool, kafka, topics.submissionsDlq);
    consumers.push(
      kafka.consumer({ groupId: `ingest-${randomUUID()}`, topics: [topics.submissions], handler: (b) => processor.handleBatch(b) }),
      kafka.consumer({
        groupId: `dlq-reader-${randomUUID()}`,
        topics: [topics.submissionsDlq],
        handler: async (b) => void dead.push(...b.messages),
      }),
    );
    await Promise.all(consumers.map((c) => c.start()));
  });

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.stop()));
    await kafka.deleteTopics([topics.submissions, topics.submissionsDlq]).catch(() => undefined);
    await kafka.close();
    await db.drop();
  });

  it('given a message Postgres refuses (a trigger raises for its id), then its neighbours on the partition are recorded and it alone is dead-lettered with the reason', async () => {
    const before = departedEnvelope();
    const poison = departedEnvelope();
    const after = departedEnvelope();
    // The real database refuses exactly this one event, as it would any row it cannot take.
    await db.pool.query(`CREATE FUNCTION public.refuse_one() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused by the test trigger'; END $$`);
    await db.pool.query(`CREATE TRIGGER refuse_one BEFORE INSERT ON event_store.events FOR EACH ROW
      WHEN (NEW.event_id = '${poison.id}'::uuid) EXECUTE FUNCTION public.refuse_one()`);

    await publishInOrder('k-trigger', [before, poison, after]);

    await pollUntil(async () => (await recorded([before.id, after.id])).length === 2, {
      what: 'the messages around the poison recorded',
      timeoutMs: 30000,
    });
    const [letter] = await lettersFor('k-trigger', 1);
    expect(JSON.parse(letter.value.toString()).id).toBe(poison.id);
    expect(letter.headers['error-message']).toContain('refused by the test trigger');
    expect(letter.headers['error-code']).toBe('STORE.REJECTED');
    expect(letter.headers['error-status']).toBe('422');
    expect(letter.headers['correlation-id']).toBe('poison-k-trigger');
    expect(await recorded([poison.id])).toEqual([]);
    // Redelivery adds nothing: each neighbour once.
    expect((await recorded([before.id, after.id])).sort()).toEqual([before.id, after.id].sort());
    expect(dead.filter((m) => m.key === 'k-trigger')).toHaveLength(1);
  });

  it('given text Postgres cannot store (NUL, lone surrogates, in values and in keys), then those are dead-lettered as invalid with their field paths and the others are recorded', async () => {
    const first = departedEnvelope();
    const nul = departedEnvelope({ data: { ...departedEnvelope().data, role: 'Chief Technology Officer\u0000' } });
    const lone = departedEnvelope({ sources: [{ outlet: 'Example \ud800 Daily', language: 'en' }] });
    const lowFirst = departedEnvelope({ occurredAt: '2024-09\udc00' });
    const badKey = departedEnvelope({ data: { ...departedEnvelope().data, ['reason\u0000']: 'x' } });
    const paired = departedEnvelope({ data: { ...departedEnvelope().data, role: 'Chief 😀 Officer' } });
    const last = departedEnvelope();

    await publishInOrder('k-text', [first, nul, lone, lowFirst, badKey, paired, last]);

    await pollUntil(async () => (await recorded([first.id, paired.id, last.id])).length === 3, {
      what: 'the storable messages recorded',
      timeoutMs: 30000,
    });
    const letters = await lettersFor('k-text', 4);
    const byId = new Map(letters.map((m) => [JSON.parse(m.value.toString()).id as string, m]));
    const paths = (id: string) => JSON.parse(byId.get(id)!.headers['error-paths']).map((e: { path: string }) => e.path);
    for (const id of [nul.id, lone.id, lowFirst.id, badKey.id]) expect(byId.get(id)!.headers['error-code']).toBe('REQUEST.INVALID');
    expect(paths(nul.id)).toContain('data.role');
    expect(paths(lone.id)).toContain('sources[0].outlet');
    expect(paths(lowFirst.id)).toContain('occurredAt');
    expect(paths(badKey.id)).toContain('data.reason\\u0000');
    expect(await recorded([nul.id, lone.id, lowFirst.id, badKey.id])).toEqual([]);
  });

  it('given prototype keys (__proto__, constructor, prototype) in the data (issue 11), then they are dead-lettered as invalid with their paths and the others are recorded', async () => {
    const first = departedEnvelope();
    const headcount = (byFunction: string) => ({
      ...departedEnvelope(),
      type: 'headcount.reported',
      subject: 'org:openai',
      occurredAt: '2024-10',
      data: { total: 10, byFunction: JSON.parse(byFunction) },
    });
    const proto = headcount('{"__proto__":3}');
    const ctor = headcount('{"constructor":3}');
    const prototype = headcount('{"prototype":3}');
    const last = departedEnvelope();

    // JSON.stringify keeps an own `__proto__` key, so the message carries it as a client's JSON would.
    await publishInOrder('k-proto', [first, proto, ctor, prototype, last]);

    await pollUntil(async () => (await recorded([first.id, last.id])).length === 2, {
      what: 'the clean messages recorded',
      timeoutMs: 30000,
    });
    const letters = await lettersFor('k-proto', 3);
    const byId = new Map(letters.map((m) => [JSON.parse(m.value.toString()).id as string, m]));
    for (const [m, key] of [
      [proto, '__proto__'],
      [ctor, 'constructor'],
      [prototype, 'prototype'],
    ] as const) {
      const letter = byId.get(m.id)!;
      expect(letter.headers['error-code']).toBe('REQUEST.INVALID');
      expect(JSON.parse(letter.headers['error-paths']).map((e: { path: string }) => e.path)).toContain(`data.byFunction.${key}`);
    }
    expect(await recorded([proto.id, ctor.id, prototype.id])).toEqual([]);
  });

  it('given the append path hung (append lock held elsewhere), then the batch times out as transient: thrown back for a retry, nothing dead-lettered; once released it records', async () => {
    // The app's own pool factory with a short server-side statement timeout, as ingest would run it.
    const pool = createPgPool(db.url, 2, 'poison-timeout', {
      ...DEFAULT_PG_TIMEOUTS,
      statementTimeoutMs: 500,
      lockTimeoutMs: 0,
      queryTimeoutMs: 3000,
    });
    const letters: unknown[] = [];
    const processor = submissionsProcessor(
      pool,
      { publish: async (_topic: string, messages: unknown[]) => void letters.push(...messages) },
      topics.submissionsDlq,
    );
    const envelope = departedEnvelope();
    const message: IncomingMessage = {
      topic: topics.submissions,
      partition: 0,
      offset: '77',
      key: 'k-hung',
      headers: {},
      value: Buffer.from(JSON.stringify(envelope)),
    };
    const holder = await db.pool.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [APPEND_LOCK_KEY]);
      await expect(processor.handleBatch({ topic: topics.submissions, partition: 0, messages: [message] })).rejects.toBeInstanceOf(
        EventStoreTimeoutError,
      );
      expect(letters).toHaveLength(0);
      expect(await recorded([envelope.id])).toEqual([]);
    } finally {
      await holder.query('SELECT pg_advisory_unlock($1)', [APPEND_LOCK_KEY]);
      holder.release();
    }
    await processor.handleBatch({ topic: topics.submissions, partition: 0, messages: [message] });
    expect(await recorded([envelope.id])).toEqual([envelope.id]);
    expect(letters).toHaveLength(0);
    await pool.end();
  });
});
