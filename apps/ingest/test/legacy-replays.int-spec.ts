import { randomUUID } from 'node:crypto';
import { contentHash, PgEventStore } from '@newsroom/event-store';
import { IncomingMessage, KafkaClient } from '@newsroom/messaging';
import { uuidv5 } from '@newsroom/platform';
import { departedEnvelope, pollUntil, TestDatabase } from '@newsroom/testing';
import { refusedTodayEnvelopes } from './support/refused-today.fixture';
import { startIngestWorld } from './support/submissions.harness';
import { recordAsOlderRelease } from './support/older-release.harness';

const WRITE = 'legacy-replays-write';
/** The namespace keyedRecordIntent names a batch's or story's unnamed events in (`<key>/<index>`). */
const KEYED = '77711ec3-45f2-44b1-8ff9-82edae91c141';

type Envelope = Record<string, unknown>;

/**
 * An operator upgrades from a release that took what today's validation refuses (a role with a TAB, a function named
 * Total, ...). Those events are on record; a client retrying them (a write answered `recorded: "unknown"`, an import
 * run again, a Kafka redelivery) gets what any retry gets: a duplicate with the stored event's place, nothing recorded
 * again, no dead letter. A different body under the same id is still refused (400), or a conflict when valid (409).
 */
describe('retries of events an earlier release recorded that today’s validation refuses (HTTP and Kafka, real Postgres and broker)', () => {
  let world: Awaited<ReturnType<typeof startIngestWorld>>;
  let db: TestDatabase;
  let post: typeof world.post;
  let store: PgEventStore;
  let kafka: KafkaClient;
  let topics: typeof world.topics;
  let dead: IncomingMessage[];
  let counted: typeof world.counted;
  const eventCount = () => world.eventCount();
  const storedRow = async (id: string) =>
    (await db.pool.query('SELECT global_position::text AS position, stream_version FROM event_store.events WHERE event_id = $1', [id]))
      .rows[0];

  /** Records an envelope as the earlier release did: its content as sent, under the fingerprint it took of it. */
  const recordTheOldWay = async (envelope: Envelope, id = envelope.id as string) => {
    const { id: _id, expectedVersion: _v, ...content } = envelope;
    return recordAsOlderRelease(store, envelope.subject as string, {
      eventId: id,
      type: envelope.type as string,
      occurredAt: envelope.occurredAt as string,
      data: envelope.data,
      sources: envelope.sources as never,
      contentHash: contentHash({ ...content, modality: content.modality ?? 'reported' }),
    });
  };

  beforeAll(async () => {
    world = await startIngestWorld('legacy-replays', WRITE);
    ({ db, post, store, kafka, topics, dead, counted } = world);
  });

  afterAll(async () => world?.stop());

  it('given each of the seven, when the same body is posted again, then 200 duplicate with the stored place, and nothing recorded', async () => {
    const cases = Object.entries(refusedTodayEnvelopes());
    for (const [, envelope] of cases) await recordTheOldWay(envelope);
    const before = await eventCount();
    for (const [what, envelope] of cases) {
      const stored = await storedRow(envelope.id as string);
      const res = await post('/v1/events', envelope);
      expect([what, res.status, res.json]).toEqual([
        what,
        200,
        expect.objectContaining({
          id: envelope.id,
          status: 'duplicate',
          globalPosition: stored.position,
          streamVersion: stored.stream_version,
        }),
      ]);
      expect(res.headers.get('location')).toBe(`/v1/events/${envelope.id as string}`);
    }
    expect(await eventCount()).toBe(before);
  });

  it('given an event recorded the old way, when another body comes under its id, then it keeps its 400, or 409 when valid', async () => {
    const { 'a role with a TAB': tab } = refusedTodayEnvelopes();
    await recordTheOldWay(tab);
    const data = tab.data as Envelope;
    const otherRefused = await post('/v1/events', { ...tab, data: { ...data, role: 'Head\tof Sales' } });
    expect([otherRefused.status, otherRefused.json.code, otherRefused.json.errors]).toEqual([
      400,
      'REQUEST.INVALID',
      [{ path: 'data.role', message: 'must not contain control characters: U+0009 at 4' }],
    ]);
    const otherValid = await post('/v1/events', { ...tab, data: { ...data, role: 'Head of Legal' } });
    expect([otherValid.status, otherValid.json.code]).toEqual([409, 'EVENT.ID_CONFLICT']);
    // Refused and unknown: no event under the id, so nothing to answer but the 400.
    const unknown = await post('/v1/events', { ...tab, id: randomUUID() });
    expect([unknown.status, unknown.json.code]).toEqual([400, 'REQUEST.INVALID']);
  });

  it('given an event recorded under an Idempotency-Key, when the same body and key come again, then 200 duplicate', async () => {
    const key = randomUUID();
    const { id: _id, ...body } = refusedTodayEnvelopes()['a function named Total'];
    await recordTheOldWay(body, key);
    const res = await post('/v1/events', body, { 'idempotency-key': key });
    expect([res.status, res.json.status, res.json.id]).toEqual([200, 'duplicate', key]);
  });

  it('given a batch mixing old refused events, a new refused one and a valid one, then duplicates, 400 and created, per item', async () => {
    const key = randomUUID();
    const { 'a role with a TAB': tab, 'a valuation below the round': valuation } = refusedTodayEnvelopes();
    const { id: _id, ...keyed } = refusedTodayEnvelopes()['a plaintiff listed twice'];
    await recordTheOldWay(tab);
    await recordTheOldWay(valuation);
    await recordTheOldWay(keyed, uuidv5(`${key}/2`, KEYED));
    const fresh = refusedTodayEnvelopes()['a role with U+202E'];
    const valid = departedEnvelope();
    const before = await eventCount();
    const res = await post('/v1/events', { events: [tab, valuation, keyed, fresh, valid] }, { 'idempotency-key': key });
    expect(res.status).toBe(200);
    expect(res.json.results.map((r: { status: string; id: string | null }) => [r.status, r.id])).toEqual([
      ['duplicate', tab.id],
      ['duplicate', valuation.id],
      ['duplicate', uuidv5(`${key}/2`, KEYED)],
      ['rejected', fresh.id],
      ['created', valid.id],
    ]);
    expect(res.json.results[0]).toMatchObject({ globalPosition: (await storedRow(tab.id as string)).position });
    expect(res.json.results[3]).toMatchObject({ error: { status: 400, code: 'REQUEST.INVALID' } });
    expect(res.json).toMatchObject({ created: 1, duplicates: 3, rejected: 1 });
    expect(await eventCount()).toBe(before + 1);
  });

  it('given a story an earlier release recorded whole, one event of which is refused today, when it is sent again, then 200 with every event a duplicate', async () => {
    const key = randomUUID();
    const story = { outlet: 'Example Daily', title: 'Legal shake-up', language: 'en', publishedAt: '2024-10-02' };
    const events: Envelope[] = [departedEnvelope(), departedEnvelope()].map(({ id: _i, sources: _s, ...e }) => e);
    events[0] = { ...events[0], data: { ...(events[0].data as Envelope), role: 'Head\tof Legal' }, quote: 'left the firm' };
    // As storyToSubmissions made them: the story (with the event's quote) first in each event's sources.
    for (const [index, { quote, ...event }] of events.entries()) {
      const source = quote === undefined ? story : { ...story, quote };
      await recordTheOldWay({ ...event, sources: [source] }, uuidv5(`${key}/${index}`, KEYED));
    }
    const before = await eventCount();
    const res = await post('/v1/stories', { story, events }, { 'idempotency-key': key });
    expect(res.status).toBe(200);
    expect(res.json.results.map((r: { status: string; id: string }) => [r.status, r.id])).toEqual([
      ['duplicate', uuidv5(`${key}/0`, KEYED)],
      ['duplicate', uuidv5(`${key}/1`, KEYED)],
    ]);
    // Another key names no stored event: the story keeps its 400.
    const other = await post('/v1/stories', { story, events }, { 'idempotency-key': randomUUID() });
    expect([other.status, other.json.errors?.[0]?.path]).toEqual([400, 'events[0].data.role']);
    expect(await eventCount()).toBe(before);
  });

  it('given the old events re-sent to the submissions topic, then each is a duplicate: no dead letter, nothing recorded; another body under an id is still dead-lettered', async () => {
    const cases = Object.values(refusedTodayEnvelopes());
    for (const envelope of cases) await recordTheOldWay(envelope);
    const tab = cases[0];
    const before = await eventCount();
    const [duplicates, rejected] = [counted.duplicate, counted.rejected];
    await kafka.publish(
      topics.submissions,
      cases.map((e) => ({ key: e.subject as string, value: JSON.stringify(e), headers: {} })),
    );
    await pollUntil(() => counted.duplicate >= duplicates + cases.length, { what: 'the old events answered as duplicates' });
    await kafka.publish(topics.submissions, [
      { key: 'k', value: JSON.stringify({ ...tab, data: { ...(tab.data as Envelope), role: 'Head\tof Sales' } }), headers: {} },
    ]);
    await pollUntil(() => dead.length >= 1, { what: 'the other body dead-lettered' });
    expect(dead).toHaveLength(1);
    expect(dead[0].headers['error-code']).toBe('REQUEST.INVALID');
    expect(counted.rejected).toBe(rejected + 1);
    expect(await eventCount()).toBe(before);
  });
});
