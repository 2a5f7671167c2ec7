import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { EventStoreUnavailableError } from '@newsroom/event-store';
import { IncomingMessage, KafkaClient, ManagedConsumer } from '@newsroom/messaging';
import { createTestDatabase, departedEnvelope, pollUntil, TestDatabase, testKafka, testTopics } from '@newsroom/testing';
import { SubmissionBatchProcessor, SubmissionOutcome } from '../src/submissions/consume-submissions/submission-batch.processor';
import { submissionsProcessor } from './support/submissions.harness';

describe('Kafka submissions: newsroom.submissions.v1 -> event store, rejects -> newsroom.submissions.dlq.v1 (real Postgres and broker)', () => {
  let db: TestDatabase;
  let kafka: KafkaClient;
  let processor: SubmissionBatchProcessor;
  const consumers: ManagedConsumer[] = [];
  const { topics } = testTopics('submissions');
  const dead: IncomingMessage[] = [];
  const counted: Record<SubmissionOutcome, number> = { accepted: 0, duplicate: 0, rejected: 0 };

  const processorOn = (pool: Pool) => submissionsProcessor(pool, kafka, topics.submissionsDlq, (o, n) => (counted[o] += n));
  const publish = (value: unknown, headers: Record<string, string> = {}, key = 'k') =>
    kafka.publish(topics.submissions, [{ key, value: typeof value === 'string' ? value : JSON.stringify(value), headers }]);
  const rows = async (ids?: string[]) =>
    (
      await db.pool.query(
        `SELECT event_id, metadata, sources FROM event_store.events ${ids ? 'WHERE event_id = ANY($1::uuid[])' : ''}`,
        ids ? [ids] : [],
      )
    ).rows;
  const handled = () => counted.accepted + counted.duplicate + counted.rejected;

  beforeAll(async () => {
    db = await createTestDatabase('submissions');
    kafka = testKafka('submissions-test');
    await kafka.ensureTopics([
      { topic: topics.submissions, partitions: 3 },
      { topic: topics.submissionsDlq, partitions: 1 },
    ]);
    processor = processorOn(db.pool);
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

  it('records a valid submission once even when it is published twice, with its trace headers as metadata', async () => {
    const envelope = departedEnvelope();
    const before = handled();
    await publish(envelope, { 'correlation-id': 'kafka-corr-1', 'causation-id': 'kafka-cause-1' });
    await publish(envelope, { 'correlation-id': 'kafka-corr-1', 'causation-id': 'kafka-cause-1' });
    await pollUntil(() => handled() >= before + 2, { what: 'both copies handled' });
    const recorded = await rows([envelope.id]);
    expect(recorded).toHaveLength(1);
    expect(recorded[0].metadata).toEqual({
      correlationId: 'kafka-corr-1',
      causationId: 'kafka-cause-1',
      actor: `kafka:${topics.submissions}`,
    });
    expect(counted.duplicate).toBeGreaterThanOrEqual(1);
  });

  it('gives a submission without id an id from its position, so a redelivered message is a duplicate', async () => {
    const { id: _id, ...envelope } = departedEnvelope();
    const before = (await rows()).length;
    const message: IncomingMessage = {
      topic: topics.submissions,
      partition: 1,
      offset: '4242',
      key: null,
      headers: {},
      value: Buffer.from(JSON.stringify(envelope)),
    };
    await processor.handleBatch({ topic: topics.submissions, partition: 1, messages: [message] });
    const duplicatesBefore = counted.duplicate;
    await processor.handleBatch({ topic: topics.submissions, partition: 1, messages: [message] });
    expect(await rows()).toHaveLength(before + 1);
    expect(counted.duplicate).toBe(duplicatesBefore + 1);
  });

  it('dead-letters bad JSON, schema errors, rule violations and id conflicts with the error in headers, appending nothing for them', async () => {
    const taken = departedEnvelope();
    await publish(taken);
    await pollUntil(async () => (await rows([taken.id])).length === 1, { what: 'the first use of the id' });
    const before = (await rows()).length;
    const floatMoney = {
      ...departedEnvelope(),
      type: 'revenue.reported',
      subject: 'org:openai',
      data: { money: { amount: 1.5, currency: 'USD' }, period: '2024', basis: 'actual' },
    };
    const unfiled = {
      id: randomUUID(),
      type: 'lawsuit.status_changed',
      subject: `case:never-filed-${randomUUID().slice(0, 6)}`,
      occurredAt: '2024-11',
      data: { status: 'dismissed' },
      sources: [{ outlet: 'Example', language: 'en' }],
    };
    const conflict = { ...taken, data: { ...taken.data, reason: 'fired' } };
    await publish('{"type": "executive.departed",', { 'correlation-id': 'bad-json-1' }, 'key-bad-json');
    await publish(floatMoney, {}, 'key-float');
    await publish(unfiled, {}, 'key-unfiled');
    await publish(conflict, {}, 'key-conflict');

    const letters = await pollUntil(
      () => {
        const mine = dead.filter((m) => ['key-bad-json', 'key-float', 'key-unfiled', 'key-conflict'].includes(m.key ?? ''));
        return mine.length >= 4 ? mine : null;
      },
      { what: 'four dead letters' },
    );
    const byKey = Object.fromEntries(letters.map((m) => [m.key, m]));
    expect(byKey['key-bad-json'].headers).toMatchObject({
      'error-code': 'REQUEST.MALFORMED_JSON',
      'error-status': '400',
      'correlation-id': 'bad-json-1',
    });
    expect(byKey['key-bad-json'].value.toString()).toBe('{"type": "executive.departed",');
    expect(byKey['key-float'].headers['error-code']).toBe('REQUEST.INVALID');
    expect(JSON.parse(byKey['key-float'].headers['error-paths']).map((e: { path: string }) => e.path)).toContain('data.money.amount');
    expect(byKey['key-unfiled'].headers).toMatchObject({ 'error-code': 'CASE.NOT_FILED', 'error-status': '422' });
    expect(byKey['key-conflict'].headers).toMatchObject({ 'error-code': 'EVENT.ID_CONFLICT', 'error-status': '409' });
    for (const m of letters) {
      expect(m.headers['source-partition']).toMatch(/^\d+$/);
      expect(m.headers['source-offset']).toMatch(/^\d+$/);
      expect(m.headers['error-message']).not.toBe('');
    }
    expect(JSON.parse(byKey['key-conflict'].value.toString())).toEqual(conflict);
    expect(await rows()).toHaveLength(before);
    expect(await rows([floatMoney.id, unfiled.id])).toHaveLength(0);
  });

  it('throws when Postgres is down, so the batch is retried, and dead-letters nothing', async () => {
    const down = new Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/none', connectionTimeoutMillis: 500 });
    down.on('error', () => undefined);
    const offline = processorOn(down);
    const dlqBefore = await kafka.topicOffsets(topics.submissionsDlq);
    const messages: IncomingMessage[] = [
      {
        topic: topics.submissions,
        partition: 0,
        offset: '9000',
        key: 'x',
        headers: {},
        value: Buffer.from(JSON.stringify(departedEnvelope())),
      },
      { topic: topics.submissions, partition: 0, offset: '9001', key: 'y', headers: {}, value: Buffer.from('not json') },
    ];
    await expect(offline.handleBatch({ topic: topics.submissions, partition: 0, messages })).rejects.toBeInstanceOf(
      EventStoreUnavailableError,
    );
    expect(await kafka.topicOffsets(topics.submissionsDlq)).toEqual(dlqBefore);
    await down.end();
  });
});
