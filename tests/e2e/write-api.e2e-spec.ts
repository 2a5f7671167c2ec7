import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IncomingMessage, ManagedConsumer, topicNames } from '@newsroom/messaging';
import { departedEnvelope, pollUntil, startApp, testKafka } from '@newsroom/testing';
import { BatchAnswer, post, Problem, Recorded, startStack, TestStack } from './stack.harness';

/** The answers below, as far as the checks read them (PRODUCT.md, write API). */
interface Readiness {
  info: Record<string, { status: string; [detail: string]: unknown }>;
}
interface StoryAnswer {
  results: Array<{ index: number; id: string; status: string }>;
}
interface EventDetail {
  status: 'current' | 'corrected' | 'retracted';
  current: { occurredAt: string | null; data: unknown };
  history: Array<{ type: string }>;
  metadata: Record<string, unknown>;
}
interface StreamPage {
  version: number;
  next: number | null;
  events: Array<{ streamVersion: number; type: string; status: string }>;
}
/** The served OpenAPI document, down the paths the last test reads. */
interface SchemaNode {
  oneOf: SchemaNode[];
  properties: Record<string, SchemaNode>;
  items: SchemaNode;
  required: string[];
  $ref: string;
  allOf: SchemaNode[];
  enum: string[];
}
interface OpenApiDoc {
  paths: Record<
    string,
    Record<
      string,
      {
        requestBody: { content: Record<string, { schema: SchemaNode }> };
        responses: Record<string, { content: Record<string, { schema: SchemaNode }> }>;
      }
    >
  >;
  components: { schemas: Record<string, SchemaNode> };
}

const SEED = JSON.parse(readFileSync(join(__dirname, '..', '..', 'infra', 'seed', 'openai-commercial-transformation.story.json'), 'utf8'));
const SOURCE = { outlet: 'Example Daily', language: 'en' };
const lawsuit = (subject: string, type: string, data: Record<string, unknown>) => ({
  id: randomUUID(),
  type,
  subject,
  occurredAt: '2024-08',
  data,
  sources: [SOURCE],
});
const filed = (subject: string) =>
  lawsuit(subject, 'lawsuit.filed', {
    title: 'Musk v. OpenAI',
    plaintiffs: ['person:elon-musk'],
    defendants: ['org:openai'],
    claims: ['breach of the founding commitments'],
  });
const statusChanged = (subject: string, status: string) => lawsuit(subject, 'lawsuit.status_changed', { status });

describe('write side over HTTP and Kafka: idempotency, concurrency, stories, corrections, rules, errors, tracing', () => {
  let stack: TestStack;
  let url: string;
  let kafka: ReturnType<typeof testKafka>;
  let eventsConsumer: ManagedConsumer;
  const published: IncomingMessage[] = [];

  const write = <T = unknown>(path: string, body: unknown, headers: Record<string, string> = {}) =>
    post<T>(`${url}${path}`, body, stack.key, headers);
  const read = async <T = unknown>(path: string) => {
    const res = await fetch(`${url}${path}`);
    return { status: res.status, body: (await res.json()) as T, headers: res.headers };
  };
  const eventCount = async () => Number((await stack.db.pool.query('SELECT count(*) AS n FROM event_store.events')).rows[0].n);
  const expectProblem = (res: { status: number; body: unknown; headers: Headers }, status: number, code: string, path?: string) => {
    const problem = res.body as Problem;
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(problem.code).toBe(code);
    if (path !== undefined) expect(problem.errors?.map((e) => e.path)).toContain(path);
  };

  beforeAll(async () => {
    stack = await startStack('write-api', { INGEST_BODY_LIMIT: '256kb' });
    url = stack.apps.ingest.url;
    kafka = testKafka('write-api-e2e');
    eventsConsumer = kafka.consumer({
      groupId: `write-api-${randomUUID()}`,
      topics: [topicNames(stack.env.KAFKA_TOPIC_PREFIX).events],
      handler: async (batch) => void published.push(...batch.messages),
    });
    await eventsConsumer.start();
  });
  afterAll(async () => {
    await eventsConsumer?.stop();
    await kafka?.close();
    await stack?.stop();
  });

  it('reports the Kafka submissions consumer in readiness', async () => {
    // Ingest is ready while its consumer still joins the group (degraded, `starting`; 10 s in a loaded CI run): then up.
    const ready = await pollUntil(
      async () => {
        const r = await read<Readiness>('/health/ready');
        expect(r.status).toBe(200);
        return r.body.info['submissions-consumer']?.state === 'running' ? r : undefined;
      },
      { timeoutMs: 30000, what: 'the submissions consumer running' },
    );
    expect(ready.body.info['submissions-consumer']).toMatchObject({ status: 'up', state: 'running' });
  });

  it('answers a retry with the same id and content as a duplicate, other content as 409, and sorts a batch per item', async () => {
    const envelope = departedEnvelope();
    const created = await write<Recorded>('/v1/events', envelope);
    expect(created.status).toBe(201);
    const again = await write('/v1/events', { ...envelope, id: envelope.id.toUpperCase() });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: envelope.id, status: 'duplicate', globalPosition: created.body.globalPosition });
    const before = await eventCount();
    expectProblem(await write('/v1/events', { ...envelope, occurredAt: '2024-10' }), 409, 'EVENT.ID_CONFLICT', 'id');

    const fresh = departedEnvelope();
    const batch = await write<BatchAnswer>('/v1/events', { events: [fresh, fresh, envelope, { ...envelope, modality: 'denied' }] });
    expect(batch.status).toBe(200);
    expect(batch.body.results.map((r) => r.status)).toEqual(['created', 'duplicate', 'duplicate', 'rejected']);
    expect(batch.body.results[3].error).toMatchObject({ status: 409, code: 'EVENT.ID_CONFLICT' });
    // A batch is {events} alone: a stray key (a typo, a field meant for each envelope) is refused, nothing recorded.
    const count = await eventCount();
    expectProblem(await write('/v1/events', { events: [departedEnvelope()], sources: [SOURCE] }), 400, 'REQUEST.INVALID', 'sources');
    expect(await eventCount()).toBe(count);
    expect(await eventCount()).toBe(before + 1);
  });

  it('takes an Idempotency-Key on one event as its id: a retry is a duplicate, other content 409 naming the header', async () => {
    const { id: _none, ...envelope } = departedEnvelope();
    const key = randomUUID();
    const before = await eventCount();
    const created = await write<Recorded>('/v1/events', envelope, { 'idempotency-key': key.toUpperCase() });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: key, status: 'created' });
    expect(created.headers.get('location')).toBe(`/v1/events/${key}`);
    // The bot's retry after a lost answer: the same key and body, no second event.
    const retried = await write<Recorded>('/v1/events', envelope, { 'idempotency-key': key });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ id: key, status: 'duplicate', globalPosition: created.body.globalPosition });
    // The same key in the body too is the same event.
    expect((await write('/v1/events', { ...envelope, id: key }, { 'idempotency-key': key })).status).toBe(200);
    expectProblem(
      await write('/v1/events', { ...envelope, occurredAt: '2024-10' }, { 'idempotency-key': key }),
      409,
      'EVENT.ID_CONFLICT',
      'Idempotency-Key',
    );
    expectProblem(await write('/v1/events', { ...envelope, id: randomUUID() }, { 'idempotency-key': key }), 400, 'REQUEST.INVALID', 'id');
    expectProblem(await write('/v1/events', envelope, { 'idempotency-key': 'retry-1' }), 400, 'REQUEST.INVALID', 'Idempotency-Key');
    expect(await eventCount()).toBe(before + 1);
  });

  it('names the id-less events of a batch and of a story by their Idempotency-Key and place: the same request again records nothing twice', async () => {
    const strip = ({ id: _id, ...e }: ReturnType<typeof departedEnvelope>) => e;
    const own = departedEnvelope();
    const events = [strip(departedEnvelope()), own, strip(departedEnvelope())];
    const key = randomUUID();
    const before = await eventCount();
    const first = await write<BatchAnswer>('/v1/events', { events }, { 'idempotency-key': key });
    expect(first.body.results.map((r) => r.status)).toEqual(['created', 'created', 'created']);
    expect(first.body.results[1].id).toBe(own.id); // an event with its own id keeps it
    // The bot's retry after a lost answer: every item a duplicate, with the ids of the first answer.
    const again = await write<BatchAnswer>('/v1/events', { events }, { 'idempotency-key': key });
    expect(again.body.results.map((r) => [r.status, r.id])).toEqual(first.body.results.map((r) => ['duplicate', r.id]));
    // The key with other content at a place: that item is refused, naming the header; the others are duplicates.
    const changed = await write<BatchAnswer>(
      '/v1/events',
      { events: [events[0], events[1], { ...events[2], occurredAt: '2024-10' }] },
      { 'idempotency-key': key },
    );
    expect(changed.body.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'rejected']);
    expect(changed.body.results[2].error).toMatchObject({
      status: 409,
      code: 'EVENT.ID_CONFLICT',
      // The key as the client sent it and the item's place; the id derived from them is none of the client's.
      message: `Idempotency-Key ${key} at events[2] was already used for different content`,
      errors: [{ path: 'Idempotency-Key' }],
    });
    expect(changed.body.results[2].id).toBeNull();
    // An item a rule refuses has no id but its own: nothing was recorded under the one its key and place would name.
    const unfiled = lawsuit(`case:unfiled-${randomUUID().slice(0, 8)}`, 'lawsuit.status_changed', { status: 'dismissed' });
    const { id: _unfiledId, ...unkeyed } = unfiled;
    const refused = await write<BatchAnswer>('/v1/events', { events: [unkeyed, unfiled] }, { 'idempotency-key': randomUUID() });
    expect(refused.body.results.map((r) => [r.status, r.error?.code, r.id])).toEqual([
      ['rejected', 'CASE.NOT_FILED', null],
      ['rejected', 'CASE.NOT_FILED', unfiled.id],
    ]);
    expect((await read(`/v1/events/${unfiled.id}`)).status).toBe(404);
    // Another key names other events.
    expect(
      (await write<BatchAnswer>('/v1/events', { events: [events[0]] }, { 'idempotency-key': randomUUID() })).body.results[0].status,
    ).toBe('created');
    expect(await eventCount()).toBe(before + 4);

    const story = { outlet: 'Example Daily', title: 'Une histoire à clé', language: 'fr', publishedAt: '2024-12' };
    const storyEvents = [
      { ...strip(departedEnvelope()), sources: undefined, quote: 'le départ' },
      { ...strip(departedEnvelope()), sources: undefined },
    ];
    const storyKey = randomUUID();
    const recorded = await write<StoryAnswer>('/v1/stories', { story, events: storyEvents }, { 'idempotency-key': storyKey });
    expect(recorded.status).toBe(201);
    const resent = await write<StoryAnswer>('/v1/stories', { story, events: storyEvents }, { 'idempotency-key': storyKey });
    expect(resent.status).toBe(200);
    expect(resent.body.results.map((r) => [r.status, r.id])).toEqual(recorded.body.results.map((r) => ['duplicate', r.id]));
    // The key with other content at an event without an id: its id field is named, the header and place in the message.
    const clash = await write<Problem>(
      '/v1/stories',
      { story, events: [storyEvents[0], { ...storyEvents[1], occurredAt: '2024-10' }] },
      {
        'idempotency-key': storyKey,
      },
    );
    expect(clash.status).toBe(409);
    expect(clash.body).toMatchObject({
      code: 'EVENT.ID_CONFLICT',
      detail: `No event of the story was recorded: Idempotency-Key ${storyKey} at events[1] was already used for different content`,
      errors: [{ path: 'events[1].id', message: expect.stringContaining('the Idempotency-Key') }],
    });
    expectProblem(
      await write('/v1/stories', { story, events: storyEvents }, { 'idempotency-key': 'story-1' }),
      400,
      'REQUEST.INVALID',
      'Idempotency-Key',
    );
    expect(await eventCount()).toBe(before + 6);
  });

  it('lets exactly one of 50 concurrent appends at one expectedVersion win; the other 49 get 409', async () => {
    const subject = `person:race-${randomUUID().slice(0, 8)}`;
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => write<Recorded | Problem>('/v1/events', departedEnvelope({ subject, expectedVersion: 0 }))),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    expect((answers.find((a) => a.status === 409)!.body as Problem).code).toMatch(/^STREAM\.VERSION_(MISMATCH|CONFLICT)$/);
    const stream = await read<StreamPage>(`/v1/streams/${subject}`);
    expect(stream.body.events).toHaveLength(1);
  });

  it('records every one of 120 writes racing on one subject through two ingest instances and Kafka: no 409 nobody asked for, nothing dead-lettered', async () => {
    const second = await startApp('ingest', stack.env);
    try {
      const busy = `person:busy-${randomUUID().slice(0, 8)}`;
      const envelopes = Array.from({ length: 120 }, () => departedEnvelope({ subject: busy }));
      const overHttp = envelopes.slice(0, 80);
      const overKafka = envelopes.slice(80);
      // A client honours 503 + Retry-After (the contract for every transient answer) and retries with the same id.
      const send = async (target: string, envelope: object) => {
        for (let tries = 0; ; tries++) {
          const res = await post<Recorded | Problem>(`${target}/v1/events`, envelope, stack.key);
          if (res.status !== 503 || tries >= 5) return res;
          expect((res.body as Problem).code).toBe('STREAM.CONTENDED');
          await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? 1)));
        }
      };
      await kafka.publish(
        topicNames(stack.env.KAFKA_TOPIC_PREFIX).submissions,
        overKafka.map((e) => ({ key: busy, value: JSON.stringify(e) })),
      );
      const answers = await Promise.all(overHttp.map((e, i) => send(i % 2 ? second.url : url, e)));
      expect(answers.map((a) => a.status)).toEqual(overHttp.map(() => 201));
      const versions = await pollUntil(
        async () => {
          const { rows } = await stack.db.pool.query('SELECT stream_version FROM event_store.events WHERE stream_id = $1 ORDER BY 1', [
            busy,
          ]);
          return rows.length >= envelopes.length ? rows.map((r) => Number(r.stream_version)) : null;
        },
        { what: 'all 120 events on the busy stream', timeoutMs: 60000 },
      );
      expect(versions).toEqual(envelopes.map((_, i) => i + 1));
      for (const app of [url, second.url]) {
        const metrics = await (await fetch(`${app}/metrics`)).text();
        expect(metrics).not.toMatch(/ingest_submissions_total\{[^}]*outcome="rejected"[^}]*\} [1-9]/);
      }
    } finally {
      await second.stop();
    }
  });

  it('records a story all or nothing: one bad event refuses the whole story and appends nothing', async () => {
    const story = { outlet: 'Example Daily', title: 'Une histoire', language: 'fr', publishedAt: '2024-12' };
    const good = { ...departedEnvelope(), sources: undefined, quote: 'le départ soudain' };
    const before = await eventCount();
    const ruled = await write('/v1/stories', {
      story,
      events: [good, statusChanged(`case:none-${randomUUID().slice(0, 6)}`, 'dismissed')],
    });
    expectProblem(ruled, 422, 'CASE.NOT_FILED', 'events[1].subject');
    const invalid = await write('/v1/stories', { story, events: [good, { ...departedEnvelope(), occurredAt: 'yesterday' }] });
    expectProblem(invalid, 400, 'REQUEST.INVALID', 'events[1].occurredAt');
    expect(await eventCount()).toBe(before);
  });

  it('loads the seed story twice as exactly one copy of each event, every one sourced with its French quote', async () => {
    const first = await write<StoryAnswer>('/v1/stories', SEED);
    expect(first.status).toBe(201);
    expect(first.body.results.every((r) => r.status === 'created')).toBe(true);
    const second = await write<StoryAnswer>('/v1/stories', SEED);
    expect(second.status).toBe(200);
    expect(second.body.results.map((r) => r.status)).toEqual(SEED.events.map(() => 'duplicate'));
    const ids = SEED.events.map((e: { id: string }) => e.id);
    const { rows } = await stack.db.pool.query('SELECT event_id, sources FROM event_store.events WHERE event_id = ANY($1::uuid[])', [ids]);
    expect(rows).toHaveLength(SEED.events.length);
    for (const e of SEED.events) {
      const row = rows.find((r) => r.event_id === e.id);
      expect(row.sources).toEqual([{ ...SEED.story, quote: e.quote }]);
    }
  });

  interface InferredDetail {
    inferred: Array<{ path: string; note: string }>;
    metadata: { inferred?: Array<{ path: string; note: string }> };
  }
  interface BatchResults {
    results: Array<{ status: string; error: { errors: Array<{ path: string; message: string }> } }>;
  }

  it('records inferred fields over HTTP (single, batch, story) and Kafka, refuses a path that names no field, and shows them on GET and the wire', async () => {
    const inferred = [
      { path: 'occurredAt', note: 'date from other reporting' },
      { path: 'data.reason', note: 'the statement does not say why' },
    ];
    const envelope = { ...departedEnvelope(), inferred };
    expect((await write('/v1/events', envelope)).status).toBe(201);
    const detail = await read<InferredDetail>(`/v1/events/${envelope.id}`);
    expect(detail.body.inferred).toEqual(inferred);
    expect(detail.body.metadata.inferred).toEqual(inferred);
    // The same content again is a duplicate; other inferred fields with the same id are other content.
    expect((await write('/v1/events', envelope)).status).toBe(200);
    expectProblem(await write('/v1/events', { ...envelope, inferred: inferred.slice(0, 1) }), 409, 'EVENT.ID_CONFLICT');
    const plain = departedEnvelope();
    await write('/v1/events', plain);
    expect((await read<InferredDetail>(`/v1/events/${plain.id}`)).body.inferred).toEqual([]);

    const before = await eventCount();
    const bad = await write<{ errors: unknown }>('/v1/events', {
      ...departedEnvelope(),
      inferred: [{ path: 'data.destination', note: 'x' }],
    });
    expectProblem(bad, 400, 'REQUEST.INVALID', 'inferred[0].path');
    expect(bad.body.errors).toEqual([{ path: 'inferred[0].path', message: 'data.destination names no field of this event' }]);
    const batch = await write<BatchResults>('/v1/events', {
      events: [
        { ...departedEnvelope(), inferred },
        { ...departedEnvelope(), inferred: [{ path: 'data.salary', note: 'x' }] },
      ],
    });
    expect(batch.body.results.map((r: { status: string }) => r.status)).toEqual(['created', 'rejected']);
    expect(batch.body.results[1].error.errors).toEqual([{ path: 'inferred[0].path', message: 'data.salary names no field of this event' }]);
    const { sources: _s, ...storyEvent } = departedEnvelope();
    const story = {
      story: { outlet: 'Example Daily', title: 'A story', language: 'en', publishedAt: '2024-10' },
      events: [{ ...storyEvent, inferred: [{ path: 'subject', note: 'x' }] }],
    };
    expectProblem(await write('/v1/stories', story), 400, 'REQUEST.INVALID', 'events[0].inferred[0].path');
    expect(await eventCount()).toBe(before + 1);

    const viaKafka = { ...departedEnvelope(), inferred };
    await kafka.publish(topicNames(stack.env.KAFKA_TOPIC_PREFIX).submissions, [{ key: viaKafka.subject, value: JSON.stringify(viaKafka) }]);
    const fromKafka = await pollUntil(
      async () => {
        const res = await read<InferredDetail>(`/v1/events/${viaKafka.id}`);
        return res.status === 200 ? res.body : null;
      },
      { what: 'the submitted event with inferred fields' },
    );
    expect(fromKafka.inferred).toEqual(inferred);
    const message = await pollUntil(() => published.find((m) => m.headers['event-id'] === envelope.id), {
      what: 'the event on newsroom.events.v1',
    });
    expect(JSON.parse(String(message.value)).metadata.inferred).toEqual(inferred);
  });

  it('corrects and retracts with history, refuses to amend a retracted or unknown event, and honours Idempotency-Key', async () => {
    const envelope = departedEnvelope();
    await write('/v1/events', envelope);
    const key = randomUUID();
    const correction = { changes: { occurredAt: '2024-09-25', data: { reason: 'unknown' } }, reason: 'The source misread the statement' };
    const corrected = await write<Recorded>(`/v1/events/${envelope.id}/corrections`, correction, { 'idempotency-key': key });
    expect(corrected.status).toBe(201);
    expect(corrected.body).toMatchObject({
      id: key,
      type: 'event.corrected',
      subject: envelope.subject,
      data: { targetEventId: envelope.id, ...correction },
    });
    const retried = await write(`/v1/events/${envelope.id}/corrections`, correction, { 'idempotency-key': key });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ id: key, status: 'duplicate', globalPosition: corrected.body.globalPosition });
    expectProblem(
      await write(`/v1/events/${envelope.id}/corrections`, { ...correction, reason: 'other' }, { 'idempotency-key': key }),
      409,
      'EVENT.ID_CONFLICT',
      'Idempotency-Key',
    );
    // Text is stored trimmed with its spaces joined: a retry built from what was read back is the same correction (t20).
    const other = departedEnvelope();
    await write('/v1/events', other);
    const spaced = { changes: { data: { role: ' Chief  Research   Officer ' } }, reason: 'full title' };
    const spacedKey = randomUUID();
    const spacedFirst = await write<Recorded & { data: unknown }>(`/v1/events/${other.id}/corrections`, spaced, {
      'idempotency-key': spacedKey,
    });
    expect(spacedFirst.status).toBe(201);
    expect(spacedFirst.body.data).toMatchObject({ changes: { data: { role: 'Chief Research Officer' } } });
    const asReadBack = { changes: { data: { role: 'Chief Research Officer' } }, reason: 'full title' };
    const again = await write(`/v1/events/${other.id}/corrections`, asReadBack, { 'idempotency-key': spacedKey });
    expect([again.status, again.body]).toMatchObject([
      200,
      { id: spacedKey, status: 'duplicate', globalPosition: spacedFirst.body.globalPosition },
    ]);
    expectProblem(
      await write(
        `/v1/events/${other.id}/corrections`,
        { ...asReadBack, changes: { data: { role: 'Chief Executive Officer' } } },
        { 'idempotency-key': spacedKey },
      ),
      409,
      'EVENT.ID_CONFLICT',
      'Idempotency-Key',
    );
    // Removing a field the event does not have (a typo) would change nothing and still mark the event corrected.
    const versionBefore = (await read<StreamPage>(`/v1/streams/${envelope.subject}`)).body.version;
    expectProblem(
      await write(`/v1/events/${envelope.id}/corrections`, { changes: { data: { destinaton: null } }, reason: 'x' }),
      400,
      'VALIDATION.FAILED',
      'changes.data.destinaton',
    );
    expect((await read<StreamPage>(`/v1/streams/${envelope.subject}`)).body.version).toBe(versionBefore);
    expectProblem(
      await write(`/v1/events/${envelope.id}/corrections`, { changes: { data: { roleCategory: 'chef' } }, reason: 'x' }),
      400,
      'VALIDATION.FAILED',
      'changes.data.roleCategory',
    );
    // The same correction again without its key changes nothing: refused, rather than a second "correction" in the feed.
    expectProblem(await write(`/v1/events/${envelope.id}/corrections`, correction), 422, 'CORRECTION.NO_CHANGE', 'changes');
    expect((await read<StreamPage>(`/v1/streams/${envelope.subject}`)).body.version).toBe(versionBefore);

    const detail = await read<EventDetail>(`/v1/events/${envelope.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      id: envelope.id,
      status: 'corrected',
      occurredAt: '2024-09-25',
      streamVersion: 1,
      schemaVersion: 1,
    });
    expect(detail.body.current).toEqual({ occurredAt: '2024-09-25', data: { ...envelope.data, reason: 'unknown' }, inferred: [] });
    expect(detail.body.history).toEqual([
      expect.objectContaining({ id: key, type: 'event.corrected', reason: correction.reason, changes: correction.changes }),
    ]);

    const retracted = await write(`/v1/events/${envelope.id}/retractions`, { reason: 'The report was a hoax' });
    expect(retracted.status).toBe(201);
    const before = await eventCount();
    expectProblem(await write(`/v1/events/${envelope.id}/corrections`, correction), 422, 'EVENT.RETRACTED', 'id');
    expectProblem(await write(`/v1/events/${envelope.id}/retractions`, { reason: 'again' }), 422, 'EVENT.RETRACTED', 'id');
    expectProblem(await write(`/v1/events/${randomUUID()}/retractions`, { reason: 'x' }), 404, 'EVENT.NOT_FOUND', 'id');
    expectProblem(await write('/v1/events/not-a-uuid/corrections', correction), 400, 'REQUEST.INVALID', 'id');
    expectProblem(
      await write(`/v1/events/${envelope.id}/retractions`, { reason: 'x' }, { 'idempotency-key': 'nope' }),
      400,
      'REQUEST.INVALID',
      'Idempotency-Key',
    );
    expect(await eventCount()).toBe(before);

    const after = await read<EventDetail>(`/v1/events/${envelope.id}`);
    expect(after.body.status).toBe('retracted');
    expect(after.body.history.map((h) => h.type)).toEqual(['event.corrected', 'event.retracted']);
    const stream = await read<StreamPage>(`/v1/streams/${envelope.subject}`);
    expect(stream.body.events.map((e) => [e.streamVersion, e.type, e.status])).toEqual([
      [1, 'executive.departed', 'retracted'],
      [2, 'event.corrected', 'current'],
      [3, 'event.retracted', 'current'],
    ]);
    const page = await read<StreamPage>(`/v1/streams/${envelope.subject}?fromVersion=2&limit=1`);
    expect(page.body).toMatchObject({ version: 3, next: 3 });
    expect(page.body.events.map((e) => e.streamVersion)).toEqual([2]);
    expectProblem(await read('/v1/streams/person:Not Valid'), 400, 'REQUEST.INVALID', 'subject');
    expectProblem(await read('/v1/streams/person:nobody-here'), 404, 'STREAM.NOT_FOUND');
    expectProblem(await read(`/v1/events/${randomUUID()}`), 404, 'EVENT.NOT_FOUND');
  });

  it('refuses figures and facts that cannot be true, as recorded, corrected or sourced, naming the field and recording nothing', async () => {
    const org = `org:implausible-${randomUUID().slice(0, 8)}`;
    const usd = (amount: string) => ({ amount, currency: 'USD' });
    const nextYear = String(new Date().getUTCFullYear() + 1);
    const fact = (type: string, data: Record<string, unknown>, publishedAt = '2024-10-02') => ({
      id: randomUUID(),
      type,
      subject: org,
      occurredAt: '2024-10-02',
      data,
      sources: [{ ...SOURCE, publishedAt }],
    });
    const suit = filed(`case:implausible-${randomUUID().slice(0, 8)}`);
    const refused: Array<[what: string, body: unknown, code: string, path: string, message: string]> = [
      [
        'a function named total',
        fact('headcount.reported', { total: 10, byFunction: { total: 5 } }),
        'REQUEST.INVALID',
        'data.byFunction.total',
        'basis of the headcount total',
      ],
      ['a headcount of 1e20', fact('headcount.reported', { total: 1e20 }), 'REQUEST.INVALID', 'data.total', 'at most 10000000'],
      [
        'a function above the bound',
        fact('headcount.reported', { byFunction: { sales: 10_000_001 } }),
        'REQUEST.INVALID',
        'data.byFunction.sales',
        'at most 10000000',
      ],
      [
        'a valuation below the round',
        fact('funding.round_closed', { money: usd('6600000000'), valuation: usd('157000000') }),
        'REQUEST.INVALID',
        'data.valuation.amount',
        'below the 6600000000 USD raised',
      ],
      [
        'a plaintiff listed twice',
        { ...suit, data: { ...suit.data, plaintiffs: ['person:elon-musk', 'person:elon-musk'] } },
        'REQUEST.INVALID',
        'data.plaintiffs[1]',
        'listed twice',
      ],
      [
        'a restructuring to what it was',
        fact('governance.restructuring_announced', { from: 'Non-profit', to: ' non-profit' }),
        'REQUEST.INVALID',
        'data.to',
        'changes from',
      ],
      [
        'an intervention its target asks for',
        fact('regulatory.intervention_requested', { by: org, authority: 'authority:ftc', request: 'Stop it' }),
        'VALIDATION.FAILED',
        'data.by',
        'against itself',
      ],
      [
        'a source published next year',
        fact('headcount.reported', { total: 10 }, nextYear),
        'VALIDATION.FAILED',
        'sources[0].publishedAt',
        'in the future',
      ],
    ];
    const before = await eventCount();
    for (const [what, body, code, path, message] of refused) {
      const res = await write('/v1/events', body);
      expectProblem(res, 400, code, path);
      expect({ what, errors: (res.body as Problem).errors }).toEqual({
        what,
        errors: [{ path, message: expect.stringContaining(message) }],
      });
    }
    // A story published next year is named once, at the story.
    const story = { outlet: 'Example Daily', title: 'Tomorrow', language: 'en', publishedAt: nextYear };
    const storyRes = await write('/v1/stories', {
      story,
      events: [fact('headcount.reported', { total: 10 }), fact('headcount.reported', { total: 11 })].map(({ sources: _s, ...e }) => e),
    });
    expectProblem(storyRes, 400, 'VALIDATION.FAILED', 'story.publishedAt');
    expect((storyRes.body as Problem).errors?.filter((e) => e.path === 'story.publishedAt')).toHaveLength(1);
    expect(await eventCount()).toBe(before);
    expectProblem(await read(`/v1/streams/${org}`), 404, 'STREAM.NOT_FOUND');

    // A correction may not make such a fact, nor restate an amount in other digits; a source attached is dated alike.
    const round = fact('funding.round_closed', { money: usd('30.0'), valuation: usd('157000000000') });
    expect((await write('/v1/events', round)).status).toBe(201);
    const corrections = `/v1/events/${round.id}/corrections`;
    const wrong: Array<[body: unknown, status: number, code: string, path: string]> = [
      [{ changes: { data: { money: { amount: '30.00' } } }, reason: 'x' }, 422, 'CORRECTION.NO_CHANGE', 'changes'],
      [{ changes: { data: { money: { amount: '030' } } }, reason: 'x' }, 422, 'CORRECTION.NO_CHANGE', 'changes'],
      [
        { changes: { data: { money: usd('6600000000'), valuation: usd('66') } }, reason: 'x' },
        400,
        'VALIDATION.FAILED',
        'changes.data.valuation.amount',
      ],
      [
        { changes: { data: { money: usd('31') } }, reason: 'x', sources: [{ ...SOURCE, publishedAt: nextYear }] },
        400,
        'VALIDATION.FAILED',
        'sources[0].publishedAt',
      ],
    ];
    for (const [body, status, code, path] of wrong) expectProblem(await write(corrections, body), status, code, path);
    const attach = { source: { ...SOURCE, outlet: 'Herald', publishedAt: `${nextYear}-06` }, stance: 'confirms' };
    expectProblem(await write(`/v1/events/${round.id}/sources`, attach), 400, 'VALIDATION.FAILED', 'source.publishedAt');
    expect((await read<StreamPage>(`/v1/streams/${org}`)).body.version).toBe(1);
    expect((await read<EventDetail>(`/v1/events/${round.id}`)).body.status).toBe('current');
    expect(await eventCount()).toBe(before + 1);
  });

  it('enforces the lawsuit lifecycle over HTTP: not filed -> 422; filed, withdrawn, then only appealed', async () => {
    const subject = `case:musk-${randomUUID().slice(0, 8)}`;
    expectProblem(await write('/v1/events', statusChanged(subject, 'injunction_sought')), 422, 'CASE.NOT_FILED', 'subject');
    expect((await write('/v1/events', filed(subject))).status).toBe(201);
    expect((await write('/v1/events', statusChanged(subject, 'withdrawn'))).status).toBe(201);
    // A later step that is not an appeal finds the case closed (the same day's other outcome is a rival account).
    const later = (status: string) => ({ ...statusChanged(subject, status), occurredAt: '2024-12' });
    expectProblem(await write('/v1/events', later('settled')), 422, 'CASE.CLOSED', 'data.status');
    expect((await write('/v1/events', later('appealed'))).status).toBe(201);
  });

  it('refiles a case whose filing was retracted: the refusal names the steps that stand before the new date, and once they are retracted the filing lands', async () => {
    const subject = `case:refiled-${randomUUID().slice(0, 8)}`;
    const on = (body: Record<string, unknown>, occurredAt: string) => ({ ...body, occurredAt });
    const filing = await write<{ id: string }>('/v1/events', on(filed(subject), '2024-03-01'));
    const step = await write<{ id: string }>('/v1/events', on(statusChanged(subject, 'amended'), '2024-05'));
    expect([filing.status, step.status]).toEqual([201, 201]);
    expect((await write(`/v1/events/${filing.body.id}/retractions`, { reason: 'filed elsewhere, later' })).status).toBe(201);
    const before = await eventCount();
    const refused = await write<Problem>('/v1/events', on(filed(subject), '2024-10-01'));
    expectProblem(refused, 422, 'CASE.STEP_BEFORE_FILING', 'occurredAt');
    expect(refused.body.detail).toContain(`correct or retract it first (event ${step.body.id} (amended on 2024-05))`);
    expect(await eventCount()).toBe(before);
    expect((await write(`/v1/events/${step.body.id}/retractions`, { reason: 'belongs to the later filing' })).status).toBe(201);
    expect((await write('/v1/events', on(filed(subject), '2024-10-01'))).status).toBe(201);
  });

  it('judges the lawsuit lifecycle in valid time: a settlement reported late takes its place before the appeal, a step before the filing is refused', async () => {
    const subject = `case:late-${randomUUID().slice(0, 8)}`;
    const on = (body: Record<string, unknown>, occurredAt: string) => ({ ...body, occurredAt });
    expect((await write('/v1/events', on(filed(subject), '2024-03-01'))).status).toBe(201);
    expect((await write('/v1/events', on(statusChanged(subject, 'appealed'), '2025-01-20'))).status).toBe(201);
    // Reported late: the case was settled in September, before the appeal of January.
    expect((await write('/v1/events', on(statusChanged(subject, 'settled'), '2024-09'))).status).toBe(201);
    // After the appeal the case is open: a motion of March 2025 is accepted (it was CASE.CLOSED in recording order).
    expect((await write('/v1/events', on(statusChanged(subject, 'motion_filed'), '2025-03'))).status).toBe(201);
    // Between the settlement and the appeal it was closed.
    const before = await eventCount();
    expectProblem(await write('/v1/events', on(statusChanged(subject, 'amended'), '2024-11')), 422, 'CASE.CLOSED', 'data.status');
    expectProblem(
      await write('/v1/events', on(statusChanged(subject, 'amended'), '2024-02')),
      422,
      'CASE.STEP_BEFORE_FILING',
      'occurredAt',
    );
    expect(await eventCount()).toBe(before);
    // A denied step changes nothing (the case stays open after the appeal), and modality= picks the steps listed.
    expect((await write('/v1/events', { ...on(statusChanged(subject, 'dismissed'), '2025-04'), modality: 'denied' })).status).toBe(201);
    expect((await write('/v1/events', on(statusChanged(subject, 'ruled'), '2025-05'))).status).toBe(201);
    const q = stack.apps.query.url;
    type Cases = { items: Array<{ case: string; status: string; history: Array<{ status: string; modality: string }> }> };
    const caseIn = async (params: string) => {
      let found: Cases['items'][number] | undefined;
      await pollUntil(
        async () => {
          const body = (await (await fetch(`${q}/v1/reports/lawsuits?party=person:elon-musk&limit=1000${params}`)).json()) as Cases;
          found = body.items.find((c) => c.case === subject);
          return found?.status === 'ruled';
        },
        { timeoutMs: 30_000, what: `the case in the lawsuits report${params}` },
      );
      return found;
    };
    const all = await caseIn('');
    expect(all?.history.map((h) => h.status)).toEqual(['filed', 'settled', 'appealed', 'motion_filed', 'dismissed', 'ruled']);
    const denied = await caseIn('&modality=denied');
    expect(denied?.history.map((h) => [h.status, h.modality])).toEqual([
      ['filed', 'reported'],
      ['dismissed', 'denied'],
    ]);
  });

  it('takes a coarse date for its whole period: an appeal dated only "2025", recorded before a motion of 2025-03, is not after it, so the motion after a settlement of 2024 is accepted', async () => {
    const subject = `case:coarse-${randomUUID().slice(0, 8)}`;
    const on = (body: Record<string, unknown>, occurredAt: string) => ({ ...body, occurredAt });
    expect((await write('/v1/events', on(filed(subject), '2024'))).status).toBe(201);
    expect((await write('/v1/events', on(statusChanged(subject, 'settled'), '2024-06'))).status).toBe(201);
    expect((await write('/v1/events', on(statusChanged(subject, 'appealed'), '2025'))).status).toBe(201);
    // The appeal's year holds March: the appeal, recorded first, reopened the case before the motion (was CASE.CLOSED).
    expect((await write('/v1/events', on(statusChanged(subject, 'motion_filed'), '2025-03'))).status).toBe(201);
    // Dates that do not overlap still order steps: wholly before the filing, or between the settlement and the appeal.
    const before = await eventCount();
    expectProblem(
      await write('/v1/events', on(statusChanged(subject, 'amended'), '2023-11')),
      422,
      'CASE.STEP_BEFORE_FILING',
      'occurredAt',
    );
    expectProblem(await write('/v1/events', on(statusChanged(subject, 'amended'), '2024-09')), 422, 'CASE.CLOSED', 'data.status');
    expect(await eventCount()).toBe(before);
    const q = stack.apps.query.url;
    type Cases = { items: Array<{ case: string; status: string; history: Array<{ status: string; occurredAt: string }> }> };
    const caseIn = async (params: string) =>
      ((await (await fetch(`${q}/v1/reports/lawsuits?party=person:elon-musk&limit=1000${params}`)).json()) as Cases).items.find(
        (c) => c.case === subject,
      );
    let found: Cases['items'][number] | undefined;
    await pollUntil(
      async () => {
        found = await caseIn('');
        return found?.history.length === 4;
      },
      { timeoutMs: 30_000, what: 'the coarse-dated case in the lawsuits report' },
    );
    expect(found?.history.map((h) => [h.status, h.occurredAt])).toEqual([
      ['filed', '2024'],
      ['settled', '2024-06'],
      ['appealed', '2025'],
      ['motion_filed', '2025-03'],
    ]);
    expect(found?.status).toBe('motion_filed');
    // The status filter (computed in SQL) says the same.
    expect((await caseIn('&status=motion_filed'))?.status).toBe('motion_filed');
    expect(await caseIn('&status=appealed')).toBeUndefined();
  });

  const floatMoney = () => ({
    ...departedEnvelope(),
    type: 'revenue.reported',
    subject: 'org:openai',
    data: { money: { amount: 1.5, currency: 'USD' }, period: '2024', basis: 'actual' },
  });
  const { sources: _s, ...noSources } = departedEnvelope();
  it.each([
    ['malformed JSON', () => '{"type": "executive.departed",', 400, 'REQUEST.MALFORMED_JSON', ''],
    ['an unknown type', () => departedEnvelope({ type: 'executive.promoted' }), 400, 'REQUEST.INVALID', 'type'],
    ['a bad subject', () => departedEnvelope({ subject: 'person:Mira Murati' }), 400, 'REQUEST.INVALID', 'subject'],
    ['a bad date', () => departedEnvelope({ occurredAt: '2024-02-30' }), 400, 'REQUEST.INVALID', 'occurredAt'],
    ['float money', floatMoney, 400, 'REQUEST.INVALID', 'data.money.amount'],
    ['missing sources', () => ({ ...noSources, id: randomUUID() }), 400, 'REQUEST.INVALID', 'sources'],
    ['a body over INGEST_BODY_LIMIT', () => departedEnvelope({ data: { note: 'x'.repeat(300 * 1024) } }), 413, 'REQUEST.TOO_LARGE', ''],
  ])('answers %s with a problem+json carrying a field path, and appends nothing', async (_what, body, status, code, path) => {
    const before = await eventCount();
    expectProblem(await write('/v1/events', body()), status, code, path);
    expect(await eventCount()).toBe(before);
  });

  it('carries the client correlation and causation ids into metadata and the newsroom.events.v1 headers', async () => {
    const envelope = departedEnvelope();
    const res = await write('/v1/events', envelope, { 'x-correlation-id': 'e2e-corr-42', 'x-causation-id': 'e2e-cause-42' });
    expect(res.headers.get('x-correlation-id')).toBe('e2e-corr-42');
    expect((await read<EventDetail>(`/v1/events/${envelope.id}`)).body.metadata).toMatchObject({
      correlationId: 'e2e-corr-42',
      causationId: 'e2e-cause-42',
    });
    const message = await pollUntil(() => published.find((m) => m.headers['event-id'] === envelope.id), {
      what: 'the event on newsroom.events.v1',
    });
    expect(message.headers).toMatchObject({
      'correlation-id': 'e2e-corr-42',
      'causation-id': 'e2e-cause-42',
      'event-type': 'executive.departed',
    });
  });

  it('records a Kafka submission through the running ingest with its headers as metadata and counts it', async () => {
    const envelope = departedEnvelope();
    await kafka.publish(topicNames(stack.env.KAFKA_TOPIC_PREFIX).submissions, [
      { key: envelope.subject, value: JSON.stringify(envelope), headers: { 'correlation-id': 'kafka-e2e-1' } },
    ]);
    const detail = await pollUntil(
      async () => {
        const res = await read<EventDetail>(`/v1/events/${envelope.id}`);
        return res.status === 200 ? res.body : null;
      },
      { what: 'the submitted event' },
    );
    expect(detail.metadata).toMatchObject({
      correlationId: 'kafka-e2e-1',
      actor: expect.stringMatching(/^kafka:.*newsroom\.submissions\.v1$/),
    });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/ingest_submissions_total\{[^}]*outcome="accepted"[^}]*\} [1-9]/);
  });

  it('keeps a 400 small whatever it repeats: a long key is cut with its length, many long unknown fields stop at 8 kB; a batch item alike', async () => {
    const headcount = (byFunction: Record<string, number>) => ({
      ...departedEnvelope(),
      type: 'headcount.reported',
      subject: 'org:openai',
      occurredAt: '2024-10',
      data: { total: 10, byFunction },
    });
    const long = 'k'.repeat(200_000);
    const one = await write<Problem>('/v1/events', headcount({ [long]: 1 }));
    expectProblem(one, 400, 'REQUEST.INVALID');
    expect(one.body.errors).toEqual([
      { path: `data.byFunction.${'k'.repeat(184)}… (200016 characters)`, message: 'key must be at most 200 characters' },
    ]);
    expect(JSON.stringify(one.body).length).toBeLessThan(1000);
    const empty = await write<Problem>('/v1/events', headcount({ '': 1 }));
    expect(empty.body.errors).toEqual([{ path: 'data.byFunction.', message: 'key must not be empty' }]);

    const unknown = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`${i}`.padEnd(1000, 'x'), 1]));
    const many = await write<Problem & { errorsOmitted: number }>('/v1/events', { ...departedEnvelope(), ...unknown });
    expectProblem(many, 400, 'REQUEST.INVALID');
    expect(many.body.errors!.length + many.body.errorsOmitted).toBe(200);
    expect(JSON.stringify(many.body).length).toBeLessThan(10_000);

    const batch = await write<{ results: Array<{ error: { errors: unknown[]; errorsOmitted: number } }> }>('/v1/events', {
      events: [{ ...departedEnvelope(), ...unknown }],
    });
    expect(batch.status).toBe(200);
    expect(batch.body.results[0].error.errors.length + batch.body.results[0].error.errorsOmitted).toBe(200);
    expect(JSON.stringify(batch.body).length).toBeLessThan(10_000);
  });

  it('refuses control characters and bidi overrides in one-line text with the character and its index, over HTTP and Kafka; free text keeps its lines', async () => {
    const role = (value: string, reason?: string) =>
      departedEnvelope({ data: { ...departedEnvelope().data, role: value, ...(reason ? { reason } : {}) } });
    const refused = await write<Problem>('/v1/events', role('  CTO\u202eevil\r\nsecond line  '));
    expectProblem(refused, 400, 'REQUEST.INVALID');
    expect(refused.body.errors).toEqual([
      { path: 'data.role', message: 'must not contain bidi embedding, override or isolate controls: U+202E at 5' },
    ]);
    const crlf = await write<Problem>('/v1/events', role('CTO\r\nsecond line'));
    expect(crlf.body.errors).toEqual([{ path: 'data.role', message: 'must be one line: U+000D at 3' }]);
    // Spacing stays as written: an old event sent again must still be its duplicate.
    expect((await write('/v1/events', role('  Chief  Technology Officer  '))).status).toBe(201);
    const story = {
      story: { outlet: 'Example Daily', language: 'en', title: 'A title', publishedAt: '2024-09-25' },
      events: [{ ...role('CTO'), id: undefined, quote: 'first line\nsecond line\r\nthird line' }],
    };
    expect((await write('/v1/stories', story)).status).toBe(201);

    const overKafka = role('CTO\tCFO');
    await kafka.publish(topicNames(stack.env.KAFKA_TOPIC_PREFIX).submissions, [
      { key: overKafka.subject, value: JSON.stringify(overKafka) },
    ]);
    await pollUntil(
      async () => /ingest_submissions_total\{[^}]*outcome="rejected"[^}]*\} [1-9]/.test(await (await fetch(`${url}/metrics`)).text()),
      { what: 'the submission with a tab dead-lettered' },
    );
    expect((await read(`/v1/events/${overKafka.id}`)).status).toBe(404);
  });

  it('documents every write and read endpoint at /docs/openapi.json with problem+json errors', async () => {
    const doc = (await read<OpenApiDoc>('/docs/openapi.json')).body;
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(ops).toEqual(
      expect.arrayContaining([
        'POST /v1/events',
        'POST /v1/stories',
        'POST /v1/events/{id}/corrections',
        'POST /v1/events/{id}/retractions',
        'GET /v1/events/{id}',
        'GET /v1/streams/{subject}',
      ]),
    );
    const postEvents = doc.paths['/v1/events'].post;
    expect(postEvents.requestBody.content['application/json'].schema.oneOf[0].oneOf.length).toBeGreaterThanOrEqual(13);
    // The shared Problem, its `code` narrowed to the codes this answer sends.
    const conflict = postEvents.responses['409'].content['application/problem+json'].schema;
    expect(conflict.allOf[0].$ref).toBe('#/components/schemas/Problem');
    expect(conflict.allOf[1].properties.code.enum).toEqual(['EVENT.ID_CONFLICT', 'STREAM.VERSION_MISMATCH']);
    expect(
      doc.paths['/v1/stories'].post.requestBody.content['application/json'].schema.properties.events.items.oneOf[0].properties.quote,
    ).toBeDefined();
    expect(doc.paths['/v1/events/{id}/corrections'].post.requestBody.content['application/json'].schema.required).toEqual([
      'changes',
      'reason',
    ]);
    expect(doc.components.schemas.Problem.properties.errors).toBeDefined();
  });
});
