import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { departedEnvelope } from '@newsroom/testing';
import { post, startStack, TestStack } from './stack.harness';

const ROOT = join(__dirname, '..', '..');

/**
 * Reads `count` messages of a topic from the beginning with the broker's own console consumer (the class
 * kafka-console-consumer.sh runs, from the Kafka distribution infra/kafka/kafka.sh keeps), headers printed.
 */
function consoleConsumer(brokers: string, topic: string, count: number): Promise<string> {
  const args = [
    join(ROOT, 'infra', 'kafka', 'kafka.sh'),
    'run-class',
    'org.apache.kafka.tools.consumer.ConsoleConsumer',
    '--bootstrap-server',
    brokers,
    '--topic',
    topic,
    '--from-beginning',
    '--max-messages',
    String(count),
    '--timeout-ms',
    '60000',
    '--formatter-property',
    'print.headers=true',
    '--formatter-property',
    'print.key=true',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('bash', args, { cwd: ROOT, env: { ...process.env, KAFKA_TOOL_HEAP_OPTS: '-Xmx256m' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`console consumer exited ${code}: ${err}`))));
  });
}

/** One printed record (default format): `name:value,...` headers, tab, key, tab, value; a header splits at its first colon. */
function parseRecord(line: string) {
  const [headers, key, value] = line.split('\t');
  const pairs = headers.split(',').map((h) => {
    const at = h.indexOf(':');
    return [h.slice(0, at), h.slice(at + 1)] as const;
  });
  return { headers: Object.fromEntries(pairs), key, value: JSON.parse(value) as Record<string, unknown> };
}

describe('CloudEvents binary mode on newsroom.events.v1, read by the broker console consumer', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack('cloudevents');
  });
  afterAll(() => stack?.stop());

  it('carries ce_specversion, ce_id, ce_source, ce_type, ce_time, ce_subject and content-type on every event', async () => {
    const events = [departedEnvelope(), departedEnvelope()];
    const res = await post<{ results: Array<{ status: string }> }>(`${stack.apps.ingest.url}/v1/events`, { events }, stack.key);
    expect(res.body.results.map((r: { status: string }) => r.status)).toEqual(['created', 'created']);
    const out = await consoleConsumer(stack.env.KAFKA_BROKERS, `${stack.env.KAFKA_TOPIC_PREFIX}newsroom.events.v1`, 2);
    const records = out.split('\n').filter(Boolean).map(parseRecord);
    expect(records).toHaveLength(2);
    const [{ id: storeId }] = (await stack.db.pool.query('SELECT id::text AS id FROM event_store.store_identity')).rows as { id: string }[];
    for (const { headers, key, value } of records) {
      const sent = events.find((e) => e.id === value.id)!;
      expect(headers).toMatchObject({
        ce_specversion: '1.0',
        ce_id: sent.id,
        ce_source: `urn:uuid:${storeId}`,
        ce_type: 'executive.departed',
        ce_time: value.recordedAt,
        ce_subject: sent.subject,
        'content-type': 'application/json',
      });
      expect(headers.ce_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
      expect(key).toBe(sent.subject);
    }
  });
});
