import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { IncomingMessage, KafkaClient, ManagedConsumer } from '@newsroom/messaging';
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

const ROOT = join(__dirname, '..', '..', '..');

/**
 * Sends `key|value` lines with the broker's own console producer (the class kafka-console-producer.sh runs, from the
 * Kafka distribution infra/kafka/kafka.sh keeps): Kafka's Java client compresses the record batch with `codec`, as a
 * partner's Java producer would.
 */
function consoleProducer(topic: string, codec: string, lines: string[]): Promise<void> {
  const args = [
    join(ROOT, 'infra', 'kafka', 'kafka.sh'),
    'run-class',
    'org.apache.kafka.tools.ConsoleProducer',
    '--bootstrap-server',
    TEST_KAFKA_BROKERS.join(','),
    '--topic',
    topic,
    '--compression-codec',
    codec,
    '--reader-property',
    'parse.key=true',
    '--reader-property',
    'key.separator=|',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('bash', args, { cwd: ROOT, env: { ...process.env, KAFKA_TOOL_HEAP_OPTS: '-Xmx256m' } });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`console producer (${codec}) exited ${code}: ${err}`))));
    child.stdin.end(lines.join('\n') + '\n');
  });
}

/**
 * Partners' Java and librdkafka producers compress with Snappy, LZ4 or ZSTD; kafkajs 2.2.4 alone reads only GZIP
 * and crash-looped on the first such batch, holding every partition (real broker, Kafka's own producer, real Postgres).
 */
describe('Kafka submissions compressed by the Java client with each codec (real broker and Postgres)', () => {
  let db: TestDatabase;
  let kafka: KafkaClient;
  let ingest: ManagedConsumer;
  let dlqReader: ManagedConsumer;
  const { topics } = testTopics('compression');
  const dead: IncomingMessage[] = [];

  const timesRecorded = async (ids: string[]) =>
    (
      await db.pool.query(
        'SELECT event_id, count(*)::int AS n FROM event_store.events WHERE event_id = ANY($1::uuid[]) GROUP BY event_id',
        [ids],
      )
    ).rows as Array<{ event_id: string; n: number }>;

  beforeAll(async () => {
    db = await createTestDatabase('compression');
    kafka = testKafka('compression-test');
    await kafka.ensureTopics([
      { topic: topics.submissions, partitions: 2 },
      { topic: topics.submissionsDlq, partitions: 1 },
    ]);
    const processor = submissionsProcessor(db.pool, kafka, topics.submissionsDlq);
    ingest = kafka.consumer({
      groupId: `ingest-${randomUUID()}`,
      topics: [topics.submissions],
      handler: (b) => processor.handleBatch(b),
      isolateFailingPartitions: true,
    });
    dlqReader = kafka.consumer({
      groupId: `dlq-reader-${randomUUID()}`,
      topics: [topics.submissionsDlq],
      handler: async (b) => void dead.push(...b.messages),
    });
    await Promise.all([ingest.start(), dlqReader.start()]);
  });

  afterAll(async () => {
    await Promise.all([ingest, dlqReader].map((c) => c.stop()));
    await kafka.deleteTopics([topics.submissions, topics.submissionsDlq]).catch(() => undefined);
    await kafka.close();
    await db.drop();
  });

  it.each(['lz4', 'zstd', 'snappy', 'gzip'])(
    'given envelopes sent with %s compression, then each is recorded once and the consumer stays ready',
    async (codec) => {
      const envelopes = Array.from({ length: 4 }, () => departedEnvelope());
      // Two keys: the batch lands on both partitions.
      await consoleProducer(
        topics.submissions,
        codec,
        envelopes.map((e, i) => `k-${codec}-${i % 2}|${JSON.stringify(e)}`),
      );
      const ids = envelopes.map((e) => e.id);
      const rows = await pollUntil(async () => ((await timesRecorded(ids)).length === ids.length ? timesRecorded(ids) : null), {
        what: `the ${codec} envelopes recorded`,
        timeoutMs: 30000,
      });
      expect(rows.map((r) => r.n)).toEqual([1, 1, 1, 1]);
      expect(dead).toEqual([]);
      expect(ingest.state).toBe('running');
    },
  );

  it('given a GZIP batch that would decompress past the bound (a bomb of ~70 kB), then its records are dead-lettered naming their offsets, and the partition goes on', async () => {
    const producer = new Kafka({ clientId: 'bomb', brokers: TEST_KAFKA_BROKERS, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    try {
      const caughtInBomb = departedEnvelope();
      const after = departedEnvelope();
      // One send, one key: one batch on one partition, the bomb (65 MiB of blanks) and an ordinary envelope together.
      await producer.send({
        topic: topics.submissions,
        compression: CompressionTypes.GZIP,
        messages: [
          { key: 'k-bomb', value: Buffer.alloc(65 * 1024 * 1024, 0x20) },
          { key: 'k-bomb', value: JSON.stringify(caughtInBomb) },
        ],
      });
      await producer.send({ topic: topics.submissions, messages: [{ key: 'k-bomb', value: JSON.stringify(after) }] });
      const rows = await pollUntil(async () => ((await timesRecorded([after.id])).length === 1 ? timesRecorded([after.id]) : null), {
        what: 'the envelope sent after the bomb recorded',
        timeoutMs: 30000,
      });
      expect(rows.map((r) => r.n)).toEqual([1]);
      const letters = await pollUntil(async () => (dead.length >= 2 ? dead : null), {
        what: 'the bomb batch dead-lettered',
        timeoutMs: 10000,
      });
      expect(letters).toHaveLength(2);
      const offsets = letters.map((l) => Number(l.headers['source-offset']));
      expect(offsets[1]).toBe(offsets[0] + 1);
      for (const letter of letters) {
        expect(letter.headers).toMatchObject({
          'error-code': 'REQUEST.UNREADABLE_BATCH',
          'error-status': '400',
          'source-topic': topics.submissions,
        });
        expect(letter.headers['error-message']).toMatch(
          new RegExp(
            `^cannot decompress a GZIP record batch: it decompresses to more than the 64 MiB .* offset ${letter.headers['source-offset']}\\): send it again`,
          ),
        );
      }
      // The envelope caught in the bomb's batch is not recorded: its producer learns it from the dead letter.
      expect(await timesRecorded([caughtInBomb.id])).toEqual([]);
      expect(ingest.state).toBe('running');
    } finally {
      await producer.disconnect();
    }
  });
});
