import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { contentHash, PgEventStore } from '@newsroom/event-store';
import { createTestDatabase, departedEnvelope, TestDatabase } from '@newsroom/testing';
import { ingestPoster, startIngestApp } from './support/ingest-app.harness';
import { recordAsOlderRelease } from './support/older-release.harness';

const WRITE = 'legacy-amendments-write';

type Body = Record<string, unknown>;
type Answer = Awaited<ReturnType<ReturnType<typeof ingestPoster>>>;

/** A source URL with a bidi override: taken by releases before the fifty-fifth session, refused since. */
const BIDI_URL = 'https://other.example/report\u202etxt.exe';
const bidiSource = { outlet: 'Other Daily', url: BIDI_URL, language: 'en', publishedAt: '2024-10-03' };

/**
 * The three amendments as an earlier release took them (the body as sent, which its validation left as it was) and the
 * event it recorded of each (its type, data and sources, under the fingerprint of `{kind, targetEventId, req}`); and
 * one of the same kind today takes, whose retry shows what a retry is answered.
 */
const AMENDMENTS = {
  'an attached source with a bidi control in its URL': {
    route: 'sources',
    kind: 'sourcing',
    body: { source: bidiSource, stance: 'confirms' },
    takenToday: { source: { ...bidiSource, url: 'https://other.example/report' }, stance: 'confirms' },
    event: (targetEventId: string, body: Body) => ({
      type: 'event.sourced',
      data: { targetEventId, ...body },
      sources: [body.source],
    }),
  },
  'a correction whose added source has a bidi control in its URL': {
    route: 'corrections',
    kind: 'correction',
    body: { changes: { occurredAt: '2024-09-24' }, reason: 'Another outlet gives the day', sources: [bidiSource] },
    takenToday: { changes: { occurredAt: '2024-09-24' }, reason: 'Another outlet gives the day' },
    event: (targetEventId: string, { changes, reason, sources }: Body) => ({
      type: 'event.corrected',
      data: { targetEventId, changes, reason },
      sources: sources as unknown[],
    }),
  },
  'a retraction whose reason has a bidi override': {
    route: 'retractions',
    kind: 'retraction',
    body: { reason: 'Misattributed \u202equote' },
    takenToday: { reason: 'Misattributed quote' },
    event: (targetEventId: string, body: Body) => ({ type: 'event.retracted', data: { targetEventId, ...body }, sources: [] }),
  },
} as const;

/**
 * An operator upgrades from a release that took amendments today's validation refuses. A client retrying one with its
 * Idempotency-Key (its answer was lost, or `recorded: "unknown"`) gets what any retry of an amendment gets: 200
 * `duplicate` with the stored event, nothing recorded again. A refused amendment nothing was stored for keeps its 400.
 * (Amendments are HTTP only: a Kafka submission is a record, whose retries legacy-replays.int-spec.ts covers.)
 */
describe('retries of amendments an earlier release recorded that today’s validation refuses (HTTP, real Postgres)', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let store: PgEventStore;
  let post: ReturnType<typeof ingestPoster>;
  let url: string;

  const eventCount = async () => Number((await db.pool.query('SELECT count(*) AS n FROM event_store.events')).rows[0].n);

  /** A fact on record today, to amend: answers its id and subject. */
  const recordTarget = async () => {
    const target = departedEnvelope();
    expect((await post('/v1/events', target)).status).toBe(201);
    return target;
  };

  /** Records the amendment as the earlier release did, under `key`, in the target's stream. */
  const amendTheOldWay = async (what: keyof typeof AMENDMENTS, target: { id: string; subject: string }, key: string) => {
    const { kind, body, event } = AMENDMENTS[what];
    const made = event(target.id, body);
    return recordAsOlderRelease(store, target.subject, {
      eventId: key,
      occurredAt: null,
      ...made,
      contentHash: contentHash({ kind, targetEventId: target.id, req: body }),
    });
  };

  /** The answer's headers a client can read, without the ones that vary from one answer to the next by nature. */
  const headerNames = (answer: Answer) =>
    [...answer.headers.keys()].filter(
      (name) => !['date', 'x-correlation-id', 'content-length'].includes(name) && !name.startsWith('ratelimit'),
    );

  beforeAll(async () => {
    db = await createTestDatabase('legacy_amendments');
    ({ app, url } = await startIngestApp(db, 'legacy-amendments-test', WRITE));
    post = ingestPoster(url, WRITE);
    store = new PgEventStore(db.pool);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it.each(Object.keys(AMENDMENTS) as Array<keyof typeof AMENDMENTS>)(
    'given %s recorded by an earlier release, when the same body comes again under its Idempotency-Key, then 200 duplicate as any retry, and nothing recorded',
    async (what) => {
      const { route, body, takenToday } = AMENDMENTS[what];
      const target = await recordTarget();
      const key = randomUUID();
      const stored = await amendTheOldWay(what, target, key);

      // An ordinary retry, of an amendment today takes, on a fact of its own: the answer a retry gets.
      const other = await recordTarget();
      const otherKey = randomUUID();
      expect((await post(`/v1/events/${other.id}/${route}`, takenToday, { 'idempotency-key': otherKey })).status).toBe(201);
      const ordinary = await post(`/v1/events/${other.id}/${route}`, takenToday, { 'idempotency-key': otherKey });
      expect([ordinary.status, ordinary.json.status]).toEqual([200, 'duplicate']);

      const before = await eventCount();
      const retry = await post(`/v1/events/${target.id}/${route}`, body, { 'idempotency-key': key.toUpperCase() });
      const detail = (await (await fetch(`${url}/v1/events/${key}`)).json()) as Body;
      expect(retry.status).toBe(200);
      expect(retry.headers.get('location')).toBe(`/v1/events/${key}`);
      expect(retry.headers.get('content-type')).toBe(ordinary.headers.get('content-type'));
      expect(headerNames(retry)).toEqual(headerNames(ordinary));
      // The stored event as the API shows it (its fields as GET /v1/events/{id} has them), the bidi control included.
      const shown = Object.fromEntries(Object.keys(ordinary.json).map((field) => [field, detail[field]]));
      expect(retry.json).toEqual({ ...shown, status: 'duplicate' });
      expect(retry.json).toMatchObject({
        id: key,
        globalPosition: stored.globalPosition,
        streamVersion: stored.streamVersion,
        data: { targetEventId: target.id },
      });
      expect(await eventCount()).toBe(before);
    },
  );

  it('given a correction refused by today’s rules rather than its schema (a role with a TAB), when it comes again under its key, then 200 duplicate too', async () => {
    const target = await recordTarget();
    const key = randomUUID();
    const body = { changes: { data: { role: 'Head\tof Legal' } }, reason: 'The role as the filing gives it' };
    const refused = await post(`/v1/events/${target.id}/corrections`, body, { 'idempotency-key': randomUUID() });
    expect([refused.status, refused.json.errors]).toEqual([400, [expect.objectContaining({ path: 'changes.data.role' })]]);
    await recordAsOlderRelease(store, target.subject, {
      eventId: key,
      type: 'event.corrected',
      occurredAt: null,
      data: { targetEventId: target.id, ...body },
      sources: [],
      contentHash: contentHash({ kind: 'correction', targetEventId: target.id, req: body }),
    });
    const retry = await post(`/v1/events/${target.id}/corrections`, body, { 'idempotency-key': key });
    expect([retry.status, retry.json.status, retry.json.id]).toEqual([200, 'duplicate', key]);
  });

  it('given an attached source recorded the old way, when a refused body comes under another key, none, or its key with other content, then 400 naming the field, and nothing recorded', async () => {
    const target = await recordTarget();
    const key = randomUUID();
    await amendTheOldWay('an attached source with a bidi control in its URL', target, key);
    const body = AMENDMENTS['an attached source with a bidi control in its URL'].body;
    const before = await eventCount();
    const urlError = [{ path: 'source.url', message: 'must not contain bidi embedding, override or isolate controls: U+202E at 28' }];

    const answers = [
      await post(`/v1/events/${target.id}/sources`, body, { 'idempotency-key': randomUUID() }),
      await post(`/v1/events/${target.id}/sources`, body),
      await post(`/v1/events/${target.id}/sources`, { ...body, stance: 'denies' }, { 'idempotency-key': key }),
      // The same body and key on another fact: the key was used for this one.
      await post(`/v1/events/${(await recordTarget()).id}/sources`, body, { 'idempotency-key': key }),
      // A key that is not a UUID names no event: the body's errors, as before.
      await post(`/v1/events/${target.id}/sources`, body, { 'idempotency-key': 'not-a-uuid' }),
    ];
    for (const answer of answers) {
      expect([answer.status, answer.headers.get('content-type'), answer.json.code, answer.json.errors]).toEqual([
        400,
        'application/problem+json; charset=utf-8',
        'REQUEST.INVALID',
        urlError,
      ]);
    }
    expect(await eventCount()).toBe(before + 1); // the second target
  });
});

/**
 * The other keyed writes: an editor's conflict resolution and an entity's alias an earlier release took with a bidi
 * control (refused since the fifty-fifth session), sent again under their key after the upgrade, are their duplicates.
 */
describe('retries of resolutions and aliases an earlier release recorded that today’s validation refuses (HTTP, real Postgres)', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let store: PgEventStore;
  let post: ReturnType<typeof ingestPoster>;
  const eventCount = async () => Number((await db.pool.query('SELECT count(*) AS n FROM event_store.events')).rows[0].n);

  beforeAll(async () => {
    db = await createTestDatabase('legacy_resolutions');
    let url: string;
    ({ app, url } = await startIngestApp(db, 'legacy-resolutions-test', WRITE));
    post = ingestPoster(url, WRITE);
    store = new PgEventStore(db.pool);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('given a resolution whose reason has a bidi override, recorded the old way, when it comes again under its key, then 200 duplicate; under another key 400', async () => {
    const standing = departedEnvelope();
    expect((await post('/v1/events', standing)).status).toBe(201);
    const conflictId = randomUUID();
    const key = randomUUID();
    // As sent: the standing id in capitals, which the endpoint (then as now) takes in lower case.
    const body = { standingEventId: standing.id.toUpperCase(), reason: 'The audited \u202eaccounts' };
    await recordAsOlderRelease(store, standing.subject, {
      eventId: key,
      type: 'conflict.resolved',
      occurredAt: null,
      data: { conflictId, standingEventId: standing.id, otherEventId: randomUUID(), reason: body.reason },
      sources: [],
      contentHash: contentHash({ kind: 'resolution', conflictId, req: { ...body, standingEventId: standing.id } }),
    });
    const before = await eventCount();
    const retry = await post(`/v1/conflicts/${conflictId}/resolution`, body, { 'idempotency-key': key });
    expect([retry.status, retry.json.status, retry.json.id, retry.headers.get('location')]).toEqual([
      200,
      'duplicate',
      key,
      `/v1/events/${key}`,
    ]);
    const other = await post(`/v1/conflicts/${conflictId}/resolution`, body, { 'idempotency-key': randomUUID() });
    expect([other.status, other.json.errors]).toEqual([400, [expect.objectContaining({ path: 'reason' })]]);
    expect(await eventCount()).toBe(before);
  });

  it('given an alias name with a bidi override recorded the old way, when it comes again under its key, then 200 duplicate; its removal under that key 400', async () => {
    const subject = `org:legacy-${randomUUID().slice(0, 8)}`;
    const key = randomUUID();
    const body = { name: 'Open\u202eAI' };
    await recordAsOlderRelease(store, subject, {
      eventId: key,
      type: 'entity.aliased',
      occurredAt: null,
      data: { name: body.name },
      sources: [],
      contentHash: contentHash({ kind: 'entity-alias', subject, request: body }),
    });
    const before = await eventCount();
    const retry = await post(`/v1/entities/${subject}/aliases`, body, { 'idempotency-key': key });
    expect([retry.status, retry.json.status, retry.json.id]).toEqual([200, 'duplicate', key]);
    // A removal is another write: the same body under the alias's key is not its retry.
    const removal = await post(`/v1/entities/${subject}/aliases/removals`, { ...body, reason: 'Not an alias' }, { 'idempotency-key': key });
    expect([removal.status, removal.json.errors]).toEqual([400, [expect.objectContaining({ path: 'name' })]]);
    expect(await eventCount()).toBe(before);
  });
});
