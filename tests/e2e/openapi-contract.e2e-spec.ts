import { randomUUID } from 'node:crypto';
import { get as httpGet, type ClientRequest } from 'node:http';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { pollUntil } from '@newsroom/testing';
import { seedEnvelopes } from '../fixtures/story.fixture';
import { startStack, TestStack } from './stack.harness';

/**
 * The served OpenAPI documents as a partner's generated client reads them (t24): real answers of the main operations,
 * held with ajv to the schema the document declares for their status and media type, and their headers to the
 * headers it declares. A status the operation does not list, a header sent but not declared (Location, Retry-After,
 * RateLimit-*, ETag, Allow, WWW-Authenticate), a body two alternatives of a oneOf both match, or a problem's `code`
 * its response does not name (in its description and its schema's enum), fails.
 */

interface ResponseObject {
  description: string;
  headers?: Record<string, { schema: { type?: string } }>;
  content?: Record<string, { schema: object }>;
}
interface OpenApiDoc {
  servers: Array<{ url: string }>;
  paths: Record<string, Record<string, { responses: Record<string, ResponseObject> }>>;
  components: object;
}
interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

/** The headers a client acts on: each one sent must be declared on the response it came with. */
const WATCHED = [
  'location',
  'retry-after',
  'etag',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
  'allow',
  'www-authenticate',
];

const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));

/** What is wrong with an answer, as the document describes `method path`: nothing when it conforms. */
function nonConformities(doc: OpenApiDoc, path: string, method: string, answer: Answer): string[] {
  const response = doc.paths[path]?.[method]?.responses[String(answer.status)];
  if (!response) return [`${method.toUpperCase()} ${path} does not list ${answer.status}`];
  const issues: string[] = [];
  const declared = Object.fromEntries(Object.entries(response.headers ?? {}).map(([name, h]) => [name.toLowerCase(), h]));
  for (const name of WATCHED) {
    const value = answer.headers.get(name);
    if (value === null) continue;
    if (!declared[name]) issues.push(`${answer.status}: header ${name} sent, not declared`);
    else if (declared[name].schema.type === 'integer' && !/^[0-9]+$/.test(value))
      issues.push(`${answer.status}: header ${name} "${value}" is not an integer`);
  }
  const media = (answer.headers.get('content-type') ?? '').split(';')[0].trim();
  if (answer.status === 304 || answer.text === '') return issues;
  const content = response.content?.[media];
  if (!content) return [...issues, `${answer.status}: ${media} not declared`];
  if (!media.endsWith('json')) return issues;
  const body = JSON.parse(answer.text) as { code?: string };
  const validate = ajv.compile({ ...content.schema, components: doc.components });
  if (!validate(body)) issues.push(...(validate.errors ?? []).map((e) => `${answer.status}: ${e.instancePath || '$'} ${e.message}`));
  if (media === 'application/problem+json') {
    if (answer.headers.get('etag') !== null) issues.push(`${answer.status}: a problem with an ETag`);
    if (!response.description.includes(String(body.code))) issues.push(`${answer.status}: code ${body.code} not named by the response`);
  }
  return issues;
}

/** A GET with If-None-Match and nothing else, as an HTTP cache revalidates (fetch adds headers of its own). */
const revalidate = (url: string, etag: string) =>
  new Promise<Answer>((resolve, reject) => {
    httpGet(url, { headers: { 'if-none-match': etag } }, (res) => {
      res.resume();
      const headers = new Headers();
      for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') headers.set(name, value);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers, text: '' }));
    }).on('error', reject);
  });

const answerOf = async (res: Response): Promise<Answer> => ({ status: res.status, headers: res.headers, text: await res.text() });

describe('the OpenAPI documents against real answers (ajv)', () => {
  let stack: TestStack;
  let ingest: string;
  let query: string;
  let ingestDoc: OpenApiDoc;
  let queryDoc: OpenApiDoc;
  const streams: ClientRequest[] = [];

  beforeAll(async () => {
    stack = await startStack('openapi-contract', {
      // Small enough for a test to meet the 429s: a key's write burst, the live connections of one address.
      INGEST_WRITE_RATE_PER_KEY: '1',
      INGEST_WRITE_BURST_PER_KEY: '40',
      FEED_MAX_CONNECTIONS_PER_IP: '1',
    });
    ingest = stack.apps.ingest.url;
    query = stack.apps.query.url;
    ingestDoc = (await (await fetch(`${ingest}/docs/openapi.json`)).json()) as OpenApiDoc;
    queryDoc = (await (await fetch(`${query}/docs/openapi.json`)).json()) as OpenApiDoc;
  }, 120_000);
  afterAll(async () => {
    for (const s of streams) s.destroy();
    await stack?.stop();
  });

  const write = (path: string, body: unknown, key: string | null = stack.key) =>
    fetch(`${ingest}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }).then(answerOf);
  const read = (base: string, path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers }).then(answerOf);

  it('both documents name a relative server, so a generated client works against the host that serves them', () => {
    expect(ingestDoc.servers.map((s) => s.url)).toEqual(['/']);
    expect(queryDoc.servers.map((s) => s.url)).toEqual(['/']);
  });

  it('every write declares Idempotency-Key as a UUID and the two tracing ids with their pattern (t27: on POST /v1/events only, as strings)', () => {
    const declared: Array<{ path: string; headers: unknown }> = [];
    for (const [path, operations] of Object.entries(ingestDoc.paths)) {
      const post = (operations as Record<string, { parameters?: Array<{ in: string; name: string; schema?: unknown }> }>).post;
      if (!post) continue;
      const headers = Object.fromEntries((post.parameters ?? []).filter((p) => p.in === 'header').map((p) => [p.name, p.schema]));
      declared.push({ path, headers });
    }
    const traceId = { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$', maxLength: 128 };
    expect(declared.length).toBeGreaterThanOrEqual(8);
    expect(declared).toEqual(
      declared.map(({ path }) => ({
        path,
        headers: { 'Idempotency-Key': { type: 'string', format: 'uuid' }, 'X-Correlation-Id': traceId, 'X-Causation-Id': traceId },
      })),
    );
  });

  it("every problem answer's schema narrows `code` to the codes its description names, so a client can switch on them", () => {
    const mismatches: string[] = [];
    for (const [name, doc] of [
      ['ingest', ingestDoc],
      ['query', queryDoc],
    ] as const)
      for (const [path, item] of Object.entries(doc.paths))
        for (const [method, op] of Object.entries(item))
          for (const [status, response] of Object.entries(op.responses)) {
            const schema = response.content?.['application/problem+json']?.schema as
              { allOf?: Array<{ properties?: { code?: { enum?: string[] } } }> } | undefined;
            if (!schema) continue;
            const named = /`code`: ([^`]*)\.$/.exec(response.description)?.[1].split(', ');
            const listed = schema.allOf?.[1]?.properties?.code?.enum;
            if (!named?.length || JSON.stringify(listed) !== JSON.stringify(named))
              mismatches.push(
                `${name} ${method.toUpperCase()} ${path} ${status}: enum ${JSON.stringify(listed)}, named ${JSON.stringify(named)}`,
              );
          }
    expect(mismatches).toEqual([]);
  });

  it('ingest: 201, 200 (one event and a batch, each matching one alternative), 400, 401, 404, 405 (with Allow), 409, 422 as declared', async () => {
    const [first, second, ...rest] = seedEnvelopes();
    const answers: Array<[string, string, Answer, number]> = [];
    const expectAnswer = (path: string, method: string, answer: Answer, status: number) => answers.push([path, method, answer, status]);

    expectAnswer('/v1/events', 'post', await write('/v1/events', first), 201);
    expectAnswer('/v1/events', 'post', await write('/v1/events', first), 200);
    expectAnswer('/v1/events', 'post', await write('/v1/events', { events: [second, ...rest.slice(0, 3)] }), 200);
    expectAnswer('/v1/events', 'post', await write('/v1/events', { ...first, occurredAt: '2024-10' }), 409);
    expectAnswer('/v1/events', 'post', await write('/v1/events', { ...first, id: randomUUID(), subject: 'nope' }), 400);
    expectAnswer('/v1/events', 'post', await write('/v1/events', '{"not json'), 400);
    expectAnswer('/v1/events', 'post', await write('/v1/events', first, null), 401);
    const retraction = '/v1/events/{id}/retractions';
    expectAnswer(retraction, 'post', await write(`/v1/events/${first.id}/retractions`, { reason: 'The report was a hoax' }), 201);
    expectAnswer(retraction, 'post', await write(`/v1/events/${first.id}/retractions`, { reason: 'again' }), 422);
    expectAnswer(retraction, 'post', await write(`/v1/events/${randomUUID()}/retractions`, { reason: 'x' }), 404);
    expectAnswer('/v1/events/{id}', 'get', await read(ingest, `/v1/events/${first.id}`), 200);
    expectAnswer('/v1/events/{id}', 'get', await read(ingest, `/v1/events/${randomUUID()}`), 404);
    expectAnswer('/v1/events/{id}', 'get', await read(ingest, '/v1/events/not-a-uuid'), 400);
    expectAnswer('/v1/streams/{subject}', 'get', await read(ingest, `/v1/streams/${second.subject}`), 200);
    expectAnswer('/v1/streams/{subject}', 'get', await read(ingest, '/v1/streams/org:no-such-org'), 404);
    // A resolution naming an unknown fact, and one of an unknown conflict: both 404s, each code in the operation's enum.
    const resolution = '/v1/conflicts/{id}/resolution';
    const resolve = (standingEventId: string) => write(`/v1/conflicts/${randomUUID()}/resolution`, { standingEventId, reason: 'x' });
    const unknownFact = await resolve(randomUUID());
    expectAnswer(resolution, 'post', unknownFact, 404);
    const unknownConflict = await resolve(second.id);
    expectAnswer(resolution, 'post', unknownConflict, 404);
    expect([unknownFact, unknownConflict].map((a) => JSON.parse(a.text).code)).toEqual(['EVENT.NOT_FOUND', 'CONFLICT.NOT_FOUND']);
    // A method the path does not take: 405 with Allow, declared on the path's operation.
    const wrongMethod = (path: string, method: string) =>
      fetch(`${ingest}${path}`, { method, headers: { authorization: `Bearer ${stack.key}` } }).then(answerOf);
    const put = await wrongMethod('/v1/events', 'PUT');
    expectAnswer('/v1/events', 'post', put, 405);
    expectAnswer('/v1/events/{id}', 'get', await wrongMethod(`/v1/events/${first.id}`, 'DELETE'), 405);
    expectAnswer(retraction, 'post', await wrongMethod(`/v1/events/${first.id}/retractions`, 'GET'), 405);

    expect(answers.map(([path, method, a]) => ({ path, status: a.status, issues: nonConformities(ingestDoc, path, method, a) }))).toEqual(
      answers.map(([path, , , status]) => ({ path, status, issues: [] })),
    );
    // The headers a client follows are there, not only allowed: Location on the 201, RateLimit-* on a write.
    const created = answers[0][2];
    expect(created.headers.get('location')).toBe(`/v1/events/${first.id}`);
    expect(created.headers.get('ratelimit-remaining')).toMatch(/^[0-9]+$/);
    expect({ allow: put.headers.get('allow'), code: JSON.parse(put.text).code }).toEqual({
      allow: 'POST',
      code: 'REQUEST.METHOD_NOT_ALLOWED',
    });
  });

  it('query: reports, entities, sources, the feed and Atom as declared, with 304 on If-None-Match and no ETag on a problem', async () => {
    await pollUntil(async () => JSON.parse((await read(query, '/v1/reports/timeline?limit=5')).text).items?.length > 0, {
      timeoutMs: 30_000,
      what: 'the recorded events in the timeline',
    });
    const answers: Array<[string, Answer, number]> = [];
    const expectAnswer = (path: string, answer: Answer, status: number) => answers.push([path, answer, status]);

    const timeline = await read(query, '/v1/reports/timeline?limit=5');
    expectAnswer('/v1/reports/timeline', timeline, 200);
    expectAnswer('/v1/reports/timeline', await revalidate(`${query}/v1/reports/timeline?limit=5`, timeline.headers.get('etag')!), 304);
    expectAnswer('/v1/reports/timeline', await read(query, '/v1/reports/timeline?limit=nope'), 400);
    expectAnswer('/v1/reports/departures', await read(query, '/v1/reports/departures?organization=org:openai'), 200);
    expectAnswer('/v1/reports/leadership', await read(query, '/v1/reports/leadership?organization=org:openai'), 200);
    expectAnswer('/v1/entities/{subject}', await read(query, '/v1/entities/org:openai'), 200);
    expectAnswer('/v1/entities/{subject}', await read(query, '/v1/entities/org:no-such-org'), 404);
    expectAnswer('/v1/sources', await read(query, '/v1/sources'), 200);
    expectAnswer('/v1/sources/{id}', await read(query, `/v1/sources/${'0'.repeat(24)}`), 404);
    expectAnswer('/v1/sources/{id}', await read(query, '/v1/sources/not-an-id'), 400);
    expectAnswer('/v1/feed', await read(query, '/v1/feed?limit=2'), 200);
    expectAnswer('/v1/feed', await read(query, '/v1/feed?limit=-1'), 400);
    expectAnswer('/v1/feed.atom', await read(query, '/v1/feed.atom?limit=2'), 200);
    expectAnswer('/v1/reports/conflicts', await fetch(`${query}/v1/reports/conflicts`, { method: 'DELETE' }).then(answerOf), 405);
    expectAnswer('/v1/reports/lawsuits', await read(query, '/v1/reports/lawsuits', { 'x-filler': 'x'.repeat(20_000) }), 431);

    expect(answers.map(([path, a]) => ({ path, status: a.status, issues: nonConformities(queryDoc, path, 'get', a) }))).toEqual(
      answers.map(([path, , status]) => ({ path, status, issues: [] })),
    );
    expect(timeline.headers.get('etag')).toBeTruthy();
  });

  it('query: a departure conflict closed by a re-appointment recorded after it answers `resolution.by: appointment` and `closedBy: appointment`, as declared', async () => {
    const person = 'person:contract-reappointed';
    const envelope = (type: string, occurredAt: string) => ({
      id: randomUUID(),
      type,
      subject: person,
      occurredAt,
      data: { organization: 'org:openai', role: 'Chief Scientist', roleCategory: 'research' },
      modality: 'reported',
      sources: [{ outlet: `Wire ${occurredAt}`, language: 'en' }],
    });
    const [first, last, again] = [
      envelope('executive.departed', '2023'),
      envelope('executive.departed', '2025'),
      envelope('executive.appointed', '2024'),
    ];
    expect((await write('/v1/events', { events: [first, last] })).status).toBe(200);
    expect((await write('/v1/events', again)).status).toBe(201);
    const resolved = `/v1/reports/conflicts?kind=departure&status=resolved&subject=${person}`;
    const report = await pollUntil(
      async () => {
        const answer = await read(query, resolved);
        return JSON.parse(answer.text).items?.[0]?.resolution?.by === 'appointment' ? answer : null;
      },
      { timeoutMs: 30_000, what: 'the conflict closed by the appointment' },
    );
    expect(JSON.parse(report.text).items[0].resolution).toMatchObject({ by: 'appointment', eventId: again.id, reason: null });
    const feed = await read(query, `/v1/feed?subjects=${person}&limit=10`);
    const item = JSON.parse(feed.text).items.find((i: { eventId: string }) => i.eventId === again.id);
    expect(item?.conflictUpdates).toEqual([
      expect.objectContaining({ change: 'closed', closedBy: 'appointment', eventIds: [first.id, last.id] }),
    ]);
    expect(nonConformities(queryDoc, '/v1/reports/conflicts', 'get', report)).toEqual([]);
    expect(nonConformities(queryDoc, '/v1/feed', 'get', feed)).toEqual([]);
  });

  it("query: the live feed over the address's connection cap is a declared 429 with retryAfter and Retry-After", async () => {
    // One SSE stream holds the address's one slot (FEED_MAX_CONNECTIONS_PER_IP=1); the next is refused.
    await new Promise<void>((resolve, reject) => {
      const req = httpGet(`${query}/v1/feed/stream`, { headers: { accept: 'text/event-stream' } }, (res) => {
        expect(res.statusCode).toBe(200);
        res.once('data', () => resolve());
      });
      req.on('error', reject);
      streams.push(req);
    });
    const refused = await read(query, '/v1/feed/stream', { accept: 'text/event-stream' });
    expect({ status: refused.status, code: JSON.parse(refused.text).code }).toEqual({ status: 429, code: 'FEED.TOO_MANY_CONNECTIONS' });
    expect(refused.headers.get('retry-after')).toMatch(/^[1-9][0-9]*$/);
    expect(nonConformities(queryDoc, '/v1/feed/stream', 'get', refused)).toEqual([]);
  });

  it('query: /v1/feed/ws is an operation: a plain GET is its declared 426, a URL filter its 400, a handshake its 101', async () => {
    // Over the address's one live slot (the SSE stream above holds it) a handshake still switches, then closes 1013.
    const ws = '/v1/feed/ws';
    const plain = await read(query, ws);
    expect({ status: plain.status, code: JSON.parse(plain.text).code, upgrade: plain.headers.get('upgrade') }).toEqual({
      status: 426,
      code: 'REQUEST.UPGRADE_REQUIRED',
      upgrade: 'websocket',
    });
    expect(nonConformities(queryDoc, ws, 'get', plain)).toEqual([]);
    expect(nonConformities(queryDoc, ws, 'get', await fetch(`${query}${ws}`, { method: 'POST' }).then(answerOf))).toEqual([]);
    // The handshake's own answers (fetch cannot send Upgrade): a filter in the URL is refused, a clean one switches.
    const handshake = (search: string) =>
      new Promise<Answer>((resolve, reject) => {
        const req = httpGet(`${query}${ws}${search}`, {
          headers: {
            connection: 'Upgrade',
            upgrade: 'websocket',
            'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
            'sec-websocket-version': '13',
          },
        });
        const answer = (status: number, raw: Record<string, string | string[] | undefined>, text: string) => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(raw)) if (typeof value === 'string') headers.set(name, value);
          resolve({ status, headers, text });
        };
        req.on('upgrade', (res, socket) => {
          socket.destroy();
          answer(res.statusCode ?? 0, res.headers, '');
        });
        req.on('response', (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
          res.on('end', () => answer(res.statusCode ?? 0, res.headers, text));
        });
        req.on('error', reject);
      });
    const filtered = await handshake('?organization=org:openai');
    expect({ status: filtered.status, paths: JSON.parse(filtered.text).errors.map((e: { path: string }) => e.path) }).toEqual({
      status: 400,
      paths: ['organization'],
    });
    expect(nonConformities(queryDoc, ws, 'get', filtered)).toEqual([]);
    const switched = await handshake('');
    expect({ status: switched.status, accept: switched.headers.get('sec-websocket-accept') }).toEqual({
      status: 101,
      accept: 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=',
    });
    expect(nonConformities(queryDoc, ws, 'get', switched)).toEqual([]);
  });

  it("ingest: over the key's write burst, a declared 429 with retryAfter, Retry-After and RateLimit-*", async () => {
    let limited: Answer | undefined;
    for (let i = 0; i < 60 && !limited; i++) {
      const answer = await write('/v1/events', { events: 'not an array' });
      if (answer.status === 429) limited = answer;
    }
    expect(limited?.status).toBe(429);
    expect(JSON.parse(limited!.text)).toMatchObject({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
    expect(limited!.headers.get('retry-after')).toMatch(/^[1-9][0-9]*$/);
    expect(nonConformities(ingestDoc, '/v1/events', 'post', limited!)).toEqual([]);
  });
});
