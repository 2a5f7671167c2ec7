import { randomBytes, randomUUID } from 'node:crypto';
import { CompressionTypes, Kafka, Producer } from 'kafkajs';
import { IncomingMessage, KafkaClient, ManagedConsumer } from '@newsroom/messaging';
import { DEFAULT_MAX_EVENT_BYTES, dlqTopicSizeConfig, topicSizeConfig } from '@newsroom/platform';
import {
  createTestDatabase,
  departedEnvelope,
  pollUntil,
  TEST_KAFKA_BROKERS,
  TestDatabase,
  testKafka,
  testTopics,
} from '@newsroom/testing';
import { submissionsProcessor } from './support/submissions.harness';

/**
 * Dead letters always reach the DLQ, whole and byte for byte, and a dead letter the broker will not take holds back
 * its own partition only (real Postgres and broker; the topics sized as ingest sizes them).
 */
describe('Kafka submissions: dead letters that always fit and keep the original (real Postgres and broker)', () => {
  let db: TestDatabase;
  let kafka: KafkaClient;
  let producer: Producer;
  let ingest: ManagedConsumer;
  const readers: ManagedConsumer[] = [];
  const { topics } = testTopics('dead-letters');
  const dead: IncomingMessage[] = [];

  const recorded = async (ids: string[]) =>
    (await db.pool.query('SELECT event_id FROM event_store.events WHERE event_id = ANY($1::uuid[])', [ids])).rows.map(
      (r) => r.event_id as string,
    );
  const lettersAt = (partition: number, offset: string) =>
    dead.filter((m) => m.headers['source-partition'] === String(partition) && m.headers['source-offset'] === offset);
  const letterAt = (partition: number, offset: string) =>
    pollUntil(() => lettersAt(partition, offset)[0] ?? null, { what: `the dead letter of ${partition}@${offset}`, timeoutMs: 30000 });
  const send = async (
    partition: number,
    message: {
      key?: Buffer | string | null;
      value: Buffer | string | null;
      headers?: Record<string, Buffer | string | Array<Buffer | string>>;
    },
    compression = CompressionTypes.None,
  ) => {
    const [answer] = await producer.send({ topic: topics.submissions, acks: -1, compression, messages: [{ partition, ...message }] });
    return answer.baseOffset!;
  };
  /** Good envelopes on both partitions, recorded: every batch before them was handled (and nothing restarted meanwhile). */
  const caughtUp = async () => {
    const marks = [departedEnvelope(), departedEnvelope()];
    await send(0, { key: 'mark', value: JSON.stringify(marks[0]) });
    await send(1, { key: 'mark', value: JSON.stringify(marks[1]) });
    await pollUntil(async () => (await recorded(marks.map((m) => m.id))).length === 2, { what: 'the marks recorded', timeoutMs: 30000 });
  };

  beforeAll(async () => {
    db = await createTestDatabase('dead-letters');
    kafka = testKafka('dead-letters-test');
    await kafka.ensureTopics([
      { topic: topics.submissions, partitions: 2, config: topicSizeConfig(DEFAULT_MAX_EVENT_BYTES) },
      { topic: topics.submissionsDlq, partitions: 1, config: dlqTopicSizeConfig(DEFAULT_MAX_EVENT_BYTES) },
    ]);
    producer = new Kafka({ clientId: 'dead-letters-partner', brokers: TEST_KAFKA_BROKERS, logLevel: 1 }).producer({
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    const processor = submissionsProcessor(db.pool, kafka, topics.submissionsDlq);
    ingest = kafka.consumer({
      groupId: `ingest-${randomUUID()}`,
      topics: [topics.submissions],
      handler: (b) => processor.handleBatch(b),
      partitionsConsumedConcurrently: 2,
      isolateFailingPartitions: true,
    });
    readers.push(
      kafka.consumer({
        groupId: `dlq-reader-${randomUUID()}`,
        topics: [topics.submissionsDlq],
        handler: async (b) => void dead.push(...b.messages),
      }),
    );
    await Promise.all([ingest.start(), ...readers.map((c) => c.start())]);
  });

  afterAll(async () => {
    await Promise.all([ingest, ...readers].map((c) => c.stop()));
    await producer?.disconnect();
    await kafka.deleteTopics([topics.submissions, topics.submissionsDlq]).catch(() => undefined);
    await kafka.close();
    await db.drop();
  });

  it('given a 3 MB envelope sent GZIP-compressed and a reject on another partition, then both are dead-lettered once, the large one whole, and the consumer never stops', async () => {
    const large = JSON.stringify({ ...departedEnvelope(), data: { ...departedEnvelope().data, reason: 'r'.repeat(3_000_000) } });
    const largeAt = await send(0, { key: 'k-large', value: large }, CompressionTypes.GZIP);
    const notJsonAt = await send(1, { key: 'k-not-json', value: 'not json' });

    const letter = await letterAt(0, largeAt);
    expect(letter.value.equals(Buffer.from(large))).toBe(true);
    expect(letter.headers).not.toHaveProperty('value-truncated');
    expect(letter.headers['error-code']).toMatch(/^(EVENT\.TOO_LARGE|REQUEST\.INVALID)$/);
    await letterAt(1, notJsonAt);
    await caughtUp();
    expect(lettersAt(0, largeAt)).toHaveLength(1);
    expect(lettersAt(1, notJsonAt)).toHaveLength(1);
    expect(ingest.state).toBe('running');
  });

  it("given a key and headers that are not UTF-8, a header twice, headers named like the service's and a tombstone, then the dead letters repeat them byte for byte", async () => {
    const at = await send(0, {
      key: Buffer.from([0xff, 0xfe, 0x41]),
      value: 'not json',
      headers: { 'x-bin': Buffer.from([0xc3, 0x28, 0xff]), 'x-rep': ['one', 'two'], 'error-code': 'mine', 'source-offset': 'mine too' },
    });
    const tombstoneAt = await send(1, { key: 'k-tombstone', value: null });

    const letter = await letterAt(0, at);
    expect(letter.raw!.key).toEqual(Buffer.from([0xff, 0xfe, 0x41]));
    expect(letter.raw!.headers['x-bin']).toEqual([Buffer.from([0xc3, 0x28, 0xff])]);
    expect(letter.raw!.headers['x-rep']).toEqual([Buffer.from('one'), Buffer.from('two')]);
    expect(letter.headers).toMatchObject({
      'original-error-code': 'mine',
      'original-source-offset': 'mine too',
      'error-code': 'REQUEST.MALFORMED_JSON',
    });
    expect(letter.headers['source-offset']).toBe(at);
    const tombstone = await letterAt(1, tombstoneAt);
    expect(tombstone.raw!.value).toBeNull();
    expect(tombstone.key).toBe('k-tombstone');
  });

  it('given a batch, a tombstone and an envelope after a UTF-8 BOM, then the batch and the tombstone are refused saying why, and the BOM envelope is recorded as over HTTP', async () => {
    const batchAt = await send(0, { key: 'k-batch', value: JSON.stringify({ events: [departedEnvelope()] }) });
    const tombstoneAt = await send(0, { key: 'k-tomb', value: null });
    const withBom = departedEnvelope();
    await send(1, { key: 'k-bom', value: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(withBom))]) });

    expect((await letterAt(0, batchAt)).headers['error-message']).toMatch(/^Kafka takes one envelope per message/);
    expect((await letterAt(0, tombstoneAt)).headers['error-message']).toMatch(/^a null value \(tombstone\) is not a submission/);
    await pollUntil(async () => (await recorded([withBom.id])).length === 1, { what: 'the BOM envelope recorded', timeoutMs: 30000 });
  });

  it('given a dead letter the DLQ refuses (its limit lowered below it, even compressed), then only its partition waits, not ready, naming partition and offset; the other partition goes on; raised again, it is dead-lettered once', async () => {
    await kafka.ensureTopics([{ topic: topics.submissionsDlq, partitions: 1, config: dlqTopicSizeConfig(DEFAULT_MAX_EVENT_BYTES) }]);
    await setDlqMaxMessageBytes(4096);
    const bigAt = await send(0, { key: 'k-refused', value: `not json ${randomBytes(20_000).toString('base64')}` });
    await pollUntil(() => (ingest.state === 'retrying' ? true : null), { what: 'partition 0 held back', timeoutMs: 30000 });
    expect(ingest.lastError).toContain(`partition 0 at offset ${bigAt}`);
    const smallAt = await send(1, { key: 'k-small', value: 'not json' });
    await letterAt(1, smallAt);
    const good = departedEnvelope();
    await send(1, { key: 'k-good', value: JSON.stringify(good) });
    await pollUntil(async () => (await recorded([good.id])).length === 1, { what: 'partition 1 still recorded', timeoutMs: 30000 });
    expect(ingest.state).toBe('retrying');

    await setDlqMaxMessageBytes(Number(dlqTopicSizeConfig(DEFAULT_MAX_EVENT_BYTES)['max.message.bytes']));
    await letterAt(0, bigAt);
    await pollUntil(() => (ingest.state === 'running' ? true : null), { what: 'ready again', timeoutMs: 40000 });
    await caughtUp();
    expect(lettersAt(0, bigAt)).toHaveLength(1);
    expect(lettersAt(1, smallAt)).toHaveLength(1);
  });

  async function setDlqMaxMessageBytes(bytes: number): Promise<void> {
    const admin = new Kafka({ clientId: 'dead-letters-admin', brokers: TEST_KAFKA_BROKERS, logLevel: 1 }).admin();
    await admin.connect();
    try {
      await admin.alterConfigs({
        validateOnly: false,
        resources: [{ type: 2, name: topics.submissionsDlq, configEntries: [{ name: 'max.message.bytes', value: String(bytes) }] }],
      });
    } finally {
      await admin.disconnect();
    }
  }
});
