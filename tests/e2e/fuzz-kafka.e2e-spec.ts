import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { canonicalJson } from '@newsroom/event-store';
import { IncomingMessage, ManagedConsumer, topicNames } from '@newsroom/messaging';
import { departedEnvelope, pollUntil, testKafka } from '@newsroom/testing';
import { fuzzOptions, hostileValue, mutatedEnvelope, revalidate, StoredEventFields } from './fuzz-inputs.fixture';
import { startStack, TestStack } from './stack.harness';

/**
 * Issue 11, fuzzing the Kafka submissions topic of the running ingest: raw bytes, broken and deeply nested JSON,
 * hostile envelopes. The property: every hostile message is dead-lettered with a reason header or recorded as a
 * valid event, and a valid message produced after them (same key, so same partition) is recorded within a bound:
 * the partition is never blocked.
 */
jest.setTimeout(180_000);

/** One hostile message value with a short label for fast-check's report. */
interface Hostile {
  label: string;
  value: Buffer;
  /** The envelope id when the value parses as an object with one. */
  id?: string;
}
const hostile = (label: string, value: Buffer, id?: string): Hostile =>
  ({ label, value, id, [fc.toStringMethod]: () => JSON.stringify(label) }) as Hostile;

const valueArb: fc.Arbitrary<Hostile> = fc.oneof(
  mutatedEnvelope.map((env) =>
    hostile(
      `mutated ${JSON.stringify(env).slice(0, 200)}`,
      Buffer.from(JSON.stringify(env)),
      typeof env.id === 'string' ? env.id : undefined,
    ),
  ),
  hostileValue.map((v) => hostile(`value ${String(JSON.stringify(v)).slice(0, 120)}`, Buffer.from(JSON.stringify(v) ?? 'undefined'))),
  fc
    .uint8Array({ minLength: 0, maxLength: 200 })
    .map((b) => hostile(`raw bytes ${Buffer.from(b).toString('hex').slice(0, 80)}`, Buffer.from(b))),
  fc.constantFrom('{', '{"id":', 'nul', '', '\uFEFF{}', '{"a":1,}').map((s) => hostile(`broken ${s}`, Buffer.from(s))),
  fc.integer({ min: 20, max: 30_000 }).map((n) => hostile(`nested ${n} deep`, Buffer.from('{"a":'.repeat(n) + '1' + '}'.repeat(n)))),
  fc.integer({ min: 20, max: 30_000 }).map((n) => {
    const env = departedEnvelope();
    return hostile(
      `envelope whose data nests ${n} deep`,
      Buffer.from(JSON.stringify({ ...env, data: 0 }).replace('"data":0', `"data":${'['.repeat(n)}${']'.repeat(n)}`)),
      env.id,
    );
  }),
  // A valid envelope whose text holds bytes that are not UTF-8: refused, never stored with U+FFFD in their place.
  fc.uint8Array({ minLength: 1, maxLength: 4 }).map((bad) => {
    const env = departedEnvelope({ data: { organization: 'org:openai', role: 'ROLE', roleCategory: 'c-suite', reason: 'resigned' } });
    const [before, after] = JSON.stringify(env).split('ROLE');
    const bytes = Buffer.from([0xff, ...bad]);
    return hostile(
      `invalid UTF-8 ${bytes.toString('hex')} in data.role`,
      Buffer.concat([Buffer.from(before), bytes, Buffer.from(after)]),
      env.id,
    );
  }),
);

describe('fuzz: the Kafka submissions topic of the running ingest (issue 11)', () => {
  let stack: TestStack;
  let kafka: ReturnType<typeof testKafka>;
  let dlqConsumer: ManagedConsumer;
  let submissions: string;
  const dead = new Map<string, IncomingMessage>();

  const readEvent = async (id: string) => {
    const res = await fetch(`${stack.apps.ingest.url}/v1/events/${encodeURIComponent(id)}`);
    return { status: res.status, json: res.status === 200 ? ((await res.json()) as StoredEventFields) : null };
  };

  beforeAll(async () => {
    stack = await startStack('fuzz-kafka', { INGEST_WRITE_RATE_PER_KEY: '0', QUERY_READ_RATE_PER_IP: '0' });
    kafka = testKafka('fuzz-kafka-e2e');
    const topics = topicNames(stack.env.KAFKA_TOPIC_PREFIX);
    submissions = topics.submissions;
    dlqConsumer = kafka.consumer({
      groupId: `fuzz-kafka-${randomUUID()}`,
      topics: [topics.submissionsDlq],
      fromBeginning: true,
      handler: async (batch) => {
        for (const m of batch.messages) if (m.headers['fuzz-id']) dead.set(m.headers['fuzz-id'], m);
      },
    });
    await dlqConsumer.start();
  });
  afterAll(async () => {
    await dlqConsumer?.stop();
    await kafka?.close();
    await stack?.stop();
  });

  it('every hostile message is dead-lettered with a reason or recorded valid, and a valid one after them is recorded', async () => {
    let messages = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(valueArb, { minLength: 1, maxLength: 8 }), async (values) => {
        // One key per run: the run's messages and the valid one after them share a partition, in order.
        const key = `org:fuzz-${randomUUID()}`;
        const tagged = values.map((v) => ({ ...v, fuzzId: randomUUID() }));
        const sentinel = departedEnvelope();
        await kafka.publish(submissions, [
          // The fuzz id is also the correlation id, so a recorded message is found even without an id of its own.
          ...tagged.map((v) => ({ key, value: v.value, headers: { 'fuzz-id': v.fuzzId, 'correlation-id': v.fuzzId } })),
          { key, value: JSON.stringify(sentinel), headers: { 'fuzz-id': `sentinel-${sentinel.id}` } },
        ]);
        messages += tagged.length + 1;
        // Not blocked: the valid message after the hostile ones is recorded within the bound.
        await pollUntil(async () => (await readEvent(sentinel.id)).status === 200, {
          timeoutMs: 30_000,
          what: `the valid message after ${values.map((v) => v.label).join(' | ')}`,
        });
        for (const v of tagged) {
          // Everything before the sentinel in the partition has been handled: dead-lettered or stored.
          const letter = await pollUntil(
            async () => {
              const d = dead.get(v.fuzzId);
              if (d) return { dead: d, storedId: null };
              const { rows } = await stack.db.pool.query(`SELECT event_id FROM event_store.events WHERE metadata->>'correlationId' = $1`, [
                v.fuzzId,
              ]);
              return rows.length ? { dead: null, storedId: String(rows[0].event_id) } : null;
            },
            { timeoutMs: 15_000, what: `a dead letter or a stored event for ${v.label}` },
          );
          if (letter.dead) {
            const h = letter.dead.headers;
            if (!h['error-code'] || !h['error-message'] || !/^4\d\d$/.test(h['error-status'] ?? ''))
              throw new Error(`dead letter without a reason: ${JSON.stringify(h)}`);
            if (!letter.dead.value.equals(v.value)) throw new Error('the dead letter does not keep the original bytes');
          } else {
            const stored = (await readEvent(letter.storedId)).json;
            if (!stored) throw new Error(`${v.label}: stored as ${letter.storedId} but GET /v1/events does not answer it`);
            const check = revalidate(stored);
            if (!check.ok) throw new Error(`stored a malformed event for ${v.label}: ${JSON.stringify(check.errors)}`);
            // What was stored is what was sent (jsonb reorders keys, nothing else): no U+FFFD for bad bytes.
            if (canonical(stored.data) !== canonical(JSON.parse(v.value.toString('utf8')).data))
              throw new Error(
                `stored data ${JSON.stringify(stored.data).slice(0, 300)} differs from the message's ${v.value.toString('utf8').slice(0, 400)}`,
              );
            if (!isUtf8(v.value)) throw new Error(`stored a message that is not UTF-8: ${v.label}`);
          }
        }
      }),
      fuzzOptions(150, 30_000),
    );
    expect(messages).toBeGreaterThan(10);
  });

  // Bug found by the property above: a value with bytes that are not UTF-8 was decoded with U+FFFD in their
  // place and recorded, so the stored text was not what the producer sent.
  it('regression: a submission with invalid UTF-8 in a text field is dead-lettered as malformed, not stored altered', async () => {
    const env = departedEnvelope({ data: { organization: 'org:openai', role: 'ROLE', roleCategory: 'c-suite', reason: 'resigned' } });
    const [before, after] = JSON.stringify(env).split('ROLE');
    const fuzzId = randomUUID();
    await kafka.publish(submissions, [
      {
        key: env.subject,
        value: Buffer.concat([Buffer.from(before), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(after)]),
        headers: { 'fuzz-id': fuzzId },
      },
    ]);
    const letter = await pollUntil(() => dead.get(fuzzId) ?? null, { timeoutMs: 30_000, what: 'the dead letter' });
    expect(letter.headers).toMatchObject({ 'error-code': 'REQUEST.MALFORMED_JSON', 'error-status': '400' });
    expect(letter.headers['error-message']).toMatch(/UTF-8/);
    expect((await readEvent(env.id)).status).toBe(404);
  });
});

/** Canonical JSON (RFC 8785): jsonb keeps its own key order, so stored and sent data are compared this way. */
const canonical = (v: unknown): string => canonicalJson(v);

function isUtf8(b: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
}
