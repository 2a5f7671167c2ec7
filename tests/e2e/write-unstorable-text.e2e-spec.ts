import { createTestDatabase, departedEnvelope, RunningApp, startApp, TestDatabase, testApiKey, testTopics } from '@newsroom/testing';
import { BatchAnswer, post, Problem } from './stack.harness';

/**
 * Issue 10, stall 1 over HTTP: text Postgres cannot store (NUL, unpaired UTF-16 surrogates; jsonb and text refuse
 * both) is a 400 problem+json naming the field, never a 500, and nothing is recorded for it, on every write endpoint.
 */
const NUL = 'Chief Technology Officer\u0000';
const LONE = 'Example \ud800 Daily';

describe('write API: text Postgres cannot store is a 400 with the field path, nothing recorded (ingest as a process)', () => {
  let db: TestDatabase;
  let ingest: RunningApp;
  let key: string;

  const write = <T = unknown>(path: string, body: unknown) => post<T>(`${ingest.url}${path}`, body, key);
  const eventCount = async () => Number((await db.pool.query('SELECT count(*) AS n FROM event_store.events')).rows[0].n);
  const expectInvalid = (res: { status: number; body: unknown; headers: Headers }, path: string) => {
    const problem = res.body as Problem;
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(problem.code).toBe('REQUEST.INVALID');
    expect(problem.errors?.map((e) => e.path)).toContain(path);
  };
  // role is free text (reason is an enum, refused anyway): the storable-text check is what must catch it.
  const withRole = (role: string) => departedEnvelope({ data: { ...departedEnvelope().data, role } });

  beforeAll(async () => {
    db = await createTestDatabase('unstorable-text');
    key = testApiKey();
    ingest = await startApp('ingest', {
      DATABASE_URL: db.url,
      KAFKA_TOPIC_PREFIX: testTopics('unstorable-text').prefix,
      NEWSROOM_API_KEYS: `${key}:write`,
      INGEST_CONSUME_SUBMISSIONS: 'false',
    });
  });
  afterAll(async () => {
    await ingest?.stop();
    await db?.drop();
  });

  it('given one event with NUL or a lone surrogate anywhere (values or keys), then 400 at that path and nothing recorded', async () => {
    const before = await eventCount();
    expectInvalid(await write('/v1/events', withRole(NUL)), 'data.role');
    expectInvalid(await write('/v1/events', departedEnvelope({ sources: [{ outlet: LONE, language: 'en' }] })), 'sources[0].outlet');
    expectInvalid(await write('/v1/events', departedEnvelope({ subject: 'person:mira\udc00' })), 'subject');
    expectInvalid(
      await write('/v1/events', departedEnvelope({ data: { ...departedEnvelope().data, ['note\u0000']: 'x' } })),
      'data.note\\u0000',
    );
    expect(await eventCount()).toBe(before);
    // A paired surrogate (an emoji) is text like any other.
    expect((await write('/v1/events', withRole('Chief 😀 Officer'))).status).toBe(201);
  });

  it('given a batch of 1000 with one such event, then that item alone is rejected with its path (per item, as for any invalid item) and it is not recorded', async () => {
    const events = Array.from({ length: 1000 }, () => departedEnvelope());
    events[512] = withRole(NUL);
    const before = await eventCount();
    const res = await write<BatchAnswer>('/v1/events', { events });
    expect(res.status).toBe(200);
    expect(res.body.results[512]).toMatchObject({
      index: 512,
      id: events[512].id,
      status: 'rejected',
      error: { status: 400, code: 'REQUEST.INVALID' },
    });
    expect(res.body.results[512].error?.errors?.map((e) => e.path)).toContain('data.role');
    expect(res.body).toMatchObject({ created: 999, rejected: 1 });
    expect(await eventCount()).toBe(before + 999);
    expect((await db.pool.query('SELECT 1 FROM event_store.events WHERE event_id = $1', [events[512].id])).rowCount).toBe(0);
  });

  it('given a story of 1000 events with one such event, then the whole story is refused with events[512].data.role and nothing is recorded', async () => {
    const events: Record<string, unknown>[] = Array.from({ length: 1000 }, () => ({ ...departedEnvelope(), sources: undefined }));
    events[512] = { ...withRole(NUL), sources: undefined };
    const before = await eventCount();
    const story = { outlet: 'Le Monde', title: 'OpenAI', language: 'fr', publishedAt: '2024-10-02' };
    expectInvalid(await write('/v1/stories', { story, events }), 'events[512].data.role');
    expectInvalid(await write('/v1/stories', { story: { ...story, title: LONE }, events: events.slice(0, 1) }), 'story.title');
    expect(await eventCount()).toBe(before);
  });

  it('given corrections and retractions with such text, then 400 at the path and the target is unchanged', async () => {
    const target = departedEnvelope();
    expect((await write('/v1/events', target)).status).toBe(201);
    const before = await eventCount();
    expectInvalid(
      await write(`/v1/events/${target.id}/corrections`, { changes: { data: { role: NUL } }, reason: 'typo' }),
      'changes.data.role',
    );
    expectInvalid(await write(`/v1/events/${target.id}/corrections`, { changes: { occurredAt: '2024-10' }, reason: LONE }), 'reason');
    expectInvalid(await write(`/v1/events/${target.id}/retractions`, { reason: `hoax${NUL}` }), 'reason');
    expect(await eventCount()).toBe(before);
    // The same requests with storable text go through.
    expect((await write(`/v1/events/${target.id}/retractions`, { reason: 'hoax' })).status).toBe(201);
    expect(await eventCount()).toBe(before + 1);
  });

  it('given a correction whose data hides a field behind a nested __proto__ (issue 11), then 400 naming that path and nothing recorded', async () => {
    const target = {
      ...departedEnvelope(),
      type: 'revenue.reported',
      subject: 'org:openai',
      occurredAt: '2024-10',
      data: { money: { amount: '3700000000', currency: 'USD' }, period: '2024', basis: 'projected' },
    };
    expect((await write('/v1/events', target)).status).toBe(201);
    const before = await eventCount();
    // Sent as raw JSON text: the body parser makes `__proto__` an own key, as any client's JSON would.
    const hostile = '{"changes":{"data":{"money":{"amount":null,"__proto__":{"amount":"5"}}}},"reason":"typo"}';
    expectInvalid(await write(`/v1/events/${target.id}/corrections`, hostile), 'changes.data.money.__proto__');
    expectInvalid(
      await write(`/v1/events/${target.id}/corrections`, '{"changes":{"data":{"constructor":{"prototype":{"x":1}}}},"reason":"typo"}'),
      'changes.data.constructor',
    );
    expectInvalid(
      await write('/v1/events', JSON.stringify(departedEnvelope()).replace('"data":{', '"data":{"__proto__":{"role":"x"},')),
      'data.__proto__',
    );
    expect(await eventCount()).toBe(before);
    const events = (await db.pool.query('SELECT data FROM event_store.events WHERE event_id = $1', [target.id])).rows;
    expect(events[0].data.money).toEqual({ amount: '3700000000', currency: 'USD' });
  });

  it('given one event, a story or a correction the database itself refuses (a trigger), then 422 STORE.REJECTED with its reason, not a 500 that says retry, and nothing recorded', async () => {
    const target = departedEnvelope();
    expect((await write('/v1/events', target)).status).toBe(201);
    await db.pool.query(`CREATE FUNCTION public.refuse_marked() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused by the test trigger'; END $$`);
    await db.pool.query(`CREATE TRIGGER refuse_marked BEFORE INSERT ON event_store.events FOR EACH ROW
      WHEN (NEW.data::text LIKE '%Refused Officer%') EXECUTE FUNCTION public.refuse_marked()`);
    try {
      const before = await eventCount();
      const expectRefused = (res: { status: number; body: unknown; headers: Headers }) => {
        expect(res.status).toBe(422);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(res.headers.get('retry-after')).toBeNull();
        expect(res.body).toMatchObject({
          code: 'STORE.REJECTED',
          detail: 'the event store refused this event (P0001): refused by the test trigger',
        });
      };
      expectRefused(await write('/v1/events', withRole('Refused Officer')));
      const { sources: _sources, ...storyEvent } = withRole('Refused Officer');
      const story = { outlet: 'Example Daily', title: 'A refused story', language: 'en', publishedAt: '2024-12' };
      expectRefused(await write('/v1/stories', { story, events: [storyEvent] }));
      expectRefused(
        await write(`/v1/events/${target.id}/corrections`, { changes: { data: { role: 'Refused Officer' } }, reason: 'title' }),
      );
      expect(await eventCount()).toBe(before);
    } finally {
      await db.pool.query('DROP TRIGGER refuse_marked ON event_store.events');
    }
  });

  it('given a batch with one event the database itself refuses (a trigger raises for its id), then that item alone is rejected with the reason and the others are recorded', async () => {
    const events = Array.from({ length: 10 }, () => departedEnvelope());
    await db.pool.query(`CREATE FUNCTION public.refuse_one() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused by the test trigger'; END $$`);
    await db.pool.query(`CREATE TRIGGER refuse_one BEFORE INSERT ON event_store.events FOR EACH ROW
      WHEN (NEW.event_id = '${events[4].id}'::uuid) EXECUTE FUNCTION public.refuse_one()`);
    try {
      const before = await eventCount();
      const res = await write<BatchAnswer>('/v1/events', { events });
      expect(res.status).toBe(200);
      expect(res.body.results[4]).toMatchObject({
        index: 4,
        id: events[4].id,
        status: 'rejected',
        error: { status: 422, code: 'STORE.REJECTED' },
      });
      expect(res.body.results[4].error?.message).toContain('refused by the test trigger');
      expect(res.body).toMatchObject({ created: 9, rejected: 1 });
      expect(await eventCount()).toBe(before + 9);
    } finally {
      await db.pool.query('DROP TRIGGER refuse_one ON event_store.events');
    }
  });
});
