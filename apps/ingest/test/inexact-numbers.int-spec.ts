import { randomUUID } from 'node:crypto';
import { contentHash, PgEventStore } from '@newsroom/event-store';
import { IncomingMessage, KafkaClient } from '@newsroom/messaging';
import { departedEnvelope, headcountEnvelope, pollUntil } from '@newsroom/testing';
import { recordAsOlderRelease } from './support/older-release.harness';
import { startIngestWorld } from './support/submissions.harness';

const WRITE = 'inexact-numbers-write';
const org = () => `org:inexact-${randomUUID().slice(0, 8)}`;

/** An envelope's JSON with `"total": <literal>` as sent: JSON.stringify cannot write a number it would not read back. */
const withTotal = (envelope: object, literal: string) => JSON.stringify(envelope).replace(/"total":\d+/, `"total":${literal}`);
const readAs = (literal: string, read: string) =>
  `must be a number a JSON double carries exactly (I-JSON, RFC 7493): ${literal} would be read as ${read}`;

/**
 * A headcount of `"total": 9999999.9999999999999999` was taken as 10,000,000: JSON.parse reads the nearest double and
 * the digits after it are gone. Ingest refuses such a number, naming its path, over HTTP (400 problem+json; a batch
 * item alone) and Kafka (a dead letter naming it as any invalid submission's), and records nothing; a number read as
 * itself (`1e2`, `100.0`) is taken. An event an earlier release recorded from such a body, sent again, is its duplicate.
 */
describe('numbers more precise than a double carries (ingest over HTTP and Kafka, real Postgres and broker)', () => {
  let world: Awaited<ReturnType<typeof startIngestWorld>>;
  let post: typeof world.post;
  let store: PgEventStore;
  let kafka: KafkaClient;
  let topics: typeof world.topics;
  let dead: IncomingMessage[];
  let counted: typeof world.counted;
  const eventCount = () => world.eventCount();

  beforeAll(async () => {
    world = await startIngestWorld('inexact-numbers', WRITE);
    ({ post, store, kafka, topics, dead, counted } = world);
  });

  afterAll(async () => world?.stop());

  it('given a headcount of 9999999.9999999999999999 or 4.0000000000000001, when posted, then 400 naming data.total and nothing recorded', async () => {
    const before = await eventCount();
    for (const [literal, read] of [
      ['9999999.9999999999999999', '10000000'],
      ['4.0000000000000001', '4'],
      ['1e400', ''],
    ]) {
      const res = await post('/v1/events', withTotal(headcountEnvelope(1, { subject: org() }), literal));
      expect([res.status, res.headers.get('content-type'), res.json.code]).toEqual([
        400,
        'application/problem+json; charset=utf-8',
        'REQUEST.INVALID',
      ]);
      const total = res.json.errors.filter((e: { path: string }) => e.path === 'data.total');
      expect(total[total.length - 1]).toEqual({
        path: 'data.total',
        message: read ? readAs(literal, read) : expect.stringContaining(`${literal} is beyond the largest`),
      });
    }
    expect(await eventCount()).toBe(before);
  });

  it('given numbers read as themselves however spelt (1e2, 100.0, 12E1), then they are recorded as those numbers', async () => {
    for (const [literal, total] of [
      ['1e2', 100],
      ['100.0', 100],
      ['12E1', 120],
    ] as const) {
      const envelope = headcountEnvelope(1, { subject: org() });
      const res = await post('/v1/events', withTotal(envelope, literal));
      expect([literal, res.status]).toEqual([literal, 201]);
      expect((await store.findEvent(envelope.id))?.data).toEqual({ total });
    }
  });

  it('given a batch, a story and a correction each with one, then the batch refuses that item alone and the others 400 with the path', async () => {
    const before = await eventCount();
    const fine = departedEnvelope();
    const inexact = withTotal(headcountEnvelope(1, { subject: org() }), '4.0000000000000001');
    const batch = await post('/v1/events', `{"events":[${JSON.stringify(fine)},${inexact}]}`);
    expect(batch.status).toBe(200);
    expect(batch.json.results.map((r: { status: string }) => r.status)).toEqual(['created', 'rejected']);
    expect(batch.json.results[1].error).toEqual({
      status: 400,
      code: 'REQUEST.INVALID',
      message: 'The event does not match the schema.',
      errors: [{ path: 'data.total', message: readAs('4.0000000000000001', '4') }],
    });

    const { id: _id, sources: _s, ...event } = headcountEnvelope(1, { subject: org() });
    const story = { story: { outlet: 'Example Daily', title: 'Staff', language: 'en', publishedAt: '2024-10-02' }, events: [event] };
    const storyAnswer = await post('/v1/stories', withTotal(story, '9999999.9999999999999999'));
    expect([storyAnswer.status, storyAnswer.json.errors]).toEqual([
      400,
      [{ path: 'events[0].data.total', message: readAs('9999999.9999999999999999', '10000000') }],
    ]);

    const target = headcountEnvelope(12, { subject: org() });
    expect((await post('/v1/events', target)).status).toBe(201);
    const correction = `{"changes":{"data":{"total":4.0000000000000001}},"reason":"The filing gives the staff"}`;
    const corrected = await post(`/v1/events/${target.id}/corrections`, correction, { 'idempotency-key': randomUUID() });
    expect([corrected.status, corrected.json.errors]).toEqual([
      400,
      [{ path: 'changes.data.total', message: readAs('4.0000000000000001', '4') }],
    ]);
    expect(await eventCount()).toBe(before + 2); // the batch's good item and the correction's target
  });

  it('given one over Kafka, then it is dead-lettered naming data.total as any invalid submission is, and nothing recorded', async () => {
    const before = await eventCount();
    const deadBefore = dead.length;
    const envelope = headcountEnvelope(1, { subject: org() });
    await kafka.publish(topics.submissions, [
      { key: envelope.subject, value: withTotal(envelope, '9999999.9999999999999999'), headers: {} },
    ]);
    await pollUntil(() => dead.length > deadBefore, { what: 'the submission dead-lettered' });
    const letter = dead[deadBefore];
    expect([letter.headers['error-status'], letter.headers['error-code'], JSON.parse(letter.headers['error-paths'])]).toEqual([
      '400',
      'REQUEST.INVALID',
      [{ path: 'data.total', message: readAs('9999999.9999999999999999', '10000000') }],
    ]);
    expect(await eventCount()).toBe(before);
  });

  it('given a headcount an earlier release recorded from 9999999.9999999999999999 (as 10000000), when sent again over HTTP or Kafka, then it is its duplicate', async () => {
    const envelope = headcountEnvelope(1, { subject: org() });
    const { id, ...content } = { ...envelope, data: { total: 10_000_000 } };
    // What the earlier release stored: the number JSON.parse read, under the fingerprint of the envelope as read.
    const stored = await recordAsOlderRelease(store, envelope.subject, {
      eventId: id,
      type: envelope.type,
      occurredAt: envelope.occurredAt,
      data: content.data,
      sources: envelope.sources,
      contentHash: contentHash({ ...content, modality: 'reported' }),
    });
    const before = await eventCount();
    const sent = withTotal(envelope, '9999999.9999999999999999');
    const again = await post('/v1/events', sent);
    expect([again.status, again.json.status, again.json.globalPosition]).toEqual([200, 'duplicate', stored.globalPosition]);
    const duplicates = counted.duplicate;
    await kafka.publish(topics.submissions, [{ key: envelope.subject, value: sent, headers: {} }]);
    await pollUntil(() => counted.duplicate > duplicates, { what: 'the Kafka retry answered as a duplicate' });
    // Another body under its id (another inexact number) keeps its 400.
    const other = await post('/v1/events', withTotal(envelope, '9999998.9999999999999999'));
    expect([other.status, other.json.errors]).toEqual([
      400,
      [{ path: 'data.total', message: expect.stringContaining('would be read as') }],
    ]);
    expect(await eventCount()).toBe(before);
  });

  it('given a correction an earlier release recorded from total 4.0000000000000001 (as 4), when sent again with its key, then it is its duplicate', async () => {
    const target = headcountEnvelope(12, { subject: org() });
    expect((await post('/v1/events', target)).status).toBe(201);
    const key = randomUUID();
    const req = { changes: { data: { total: 4 } }, reason: 'The filing gives the staff' };
    const stored = await recordAsOlderRelease(store, target.subject, {
      eventId: key,
      type: 'event.corrected',
      occurredAt: null,
      data: { targetEventId: target.id, ...req },
      sources: [],
      contentHash: contentHash({ kind: 'correction', targetEventId: target.id, req }),
    });
    const sent = `{"changes":{"data":{"total":4.0000000000000001}},"reason":"The filing gives the staff"}`;
    const again = await post(`/v1/events/${target.id}/corrections`, sent, { 'idempotency-key': key });
    expect([again.status, again.json.status, again.json.id, again.json.globalPosition]).toEqual([
      200,
      'duplicate',
      key,
      stored.globalPosition,
    ]);
  });
});
