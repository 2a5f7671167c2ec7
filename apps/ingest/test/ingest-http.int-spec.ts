import { request as httpRequest } from 'node:http';
import { INestApplication } from '@nestjs/common';
import { initMetrics } from '@newsroom/platform';
import { createTestDatabase, departedEnvelope, TestDatabase } from '@newsroom/testing';
import { Pool } from 'pg';
import { loadIngestConfig } from '../src/config/ingest.config';
import { PG_POOL } from '../src/ingest.tokens';
import { startIngestHttp } from '../src/ingest-http.factory';

/** The fields of an answer these tests read. */
interface Answer {
  status: number;
  headers: Headers;
  type: string;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- problem bodies and event views, read field by field
  json: any;
}

const WRITE = 'ingest-http-test-write';
const READ = 'ingest-http-test-read';
const LISTED = 'https://desk.example';

/**
 * Ingest on Fastify (issue 15) answers as it did on Express: the body parser's refusals as problem+json (413 from
 * Content-Length and from a chunked body, 400 for malformed JSON and non-UTF-8 bytes, 415 for other media types),
 * an own `__proto__` key validated by its path, request ids, security headers and CORS on every answer, the read
 * key on /docs, the Idempotency-Key check, /health, /metrics and the OpenAPI document.
 */
describe('ingest HTTP on Fastify: body parsing, errors, headers, docs', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let url: string;
  const savedCors = process.env.NEWSROOM_CORS_ORIGINS;

  const send = async (path: string, init: RequestInit = {}): Promise<Answer> => {
    const res = await fetch(`${url}${path}`, init);
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: res.status, headers: res.headers, type: res.headers.get('content-type') ?? '', text, json };
  };
  const post = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    send(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${WRITE}`, ...headers },
      body,
    });
  const expectProblem = (res: Answer, status: number, code: string) => {
    expect([res.status, res.json?.code]).toEqual([status, code]);
    expect(res.type).toMatch(/^application\/problem\+json/);
  };

  beforeAll(async () => {
    db = await createTestDatabase('ingest_http');
    process.env.NEWSROOM_CORS_ORIGINS = LISTED;
    const config = loadIngestConfig({
      DATABASE_URL: db.url,
      INGEST_PORT: '0',
      INGEST_CONSUME_SUBMISSIONS: 'false',
      NEWSROOM_API_KEYS: `${WRITE}:write,${READ}:read`,
      NEWSROOM_REQUIRE_READ_KEY: 'true',
      INGEST_BODY_LIMIT: '64kb',
      LOG_LEVEL: 'silent',
    });
    initMetrics('ingest-http-test');
    app = await startIngestHttp(config, { port: 0, host: '127.0.0.1' });
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => {
    if (savedCors === undefined) delete process.env.NEWSROOM_CORS_ORIGINS;
    else process.env.NEWSROOM_CORS_ORIGINS = savedCors;
    await app?.close();
    await db?.drop();
  });

  it('records an event: 201, Location, the client correlation id echoed and stored', async () => {
    const event = departedEnvelope();
    const res = await post('/v1/events', JSON.stringify(event), { 'x-correlation-id': 'fastify-corr-1' });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/v1/events/${event.id}`);
    expect(res.headers.get('x-correlation-id')).toBe('fastify-corr-1');
    const { rows } = await db.pool.query(`SELECT metadata->>'correlationId' AS c FROM event_store.events WHERE event_id = $1`, [event.id]);
    expect(rows[0].c).toBe('fastify-corr-1');
    const again = await post('/v1/events/', JSON.stringify(event)); // a trailing slash routes as on Express
    expect(again.status).toBe(200);
    expect(again.json.status).toBe('duplicate');
    expect(again.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('runs its writes on connections that plan the store statements once (EVENT_STORE_SERVER_SETTINGS)', async () => {
    const pool = app.get<Pool>(PG_POOL);
    expect((await pool.query('SHOW plan_cache_mode')).rows[0].plan_cache_mode).toBe('force_generic_plan');
  });

  it('refuses malformed JSON, a scalar body and non-UTF-8 bytes with 400 problem+json', async () => {
    expectProblem(await post('/v1/events', '{not json'), 400, 'REQUEST.MALFORMED_JSON');
    expectProblem(await post('/v1/events', '"a string"'), 400, 'REQUEST.MALFORMED_JSON');
    const latin1 = Buffer.from(JSON.stringify(departedEnvelope()).replace('Example', 'Exampl\u00e9'), 'latin1');
    const res = await post('/v1/events', latin1);
    expectProblem(res, 400, 'REQUEST.MALFORMED_JSON');
    expect(res.json.detail).toBe('Body is not valid UTF-8');
  });

  it('refuses a name given twice in one object, naming its path, and records neither value', async () => {
    const envelope = departedEnvelope();
    const twice = JSON.stringify(envelope).replace('"data":{', '"data":{"role":"Chief Scientist",');
    const res = await post('/v1/events', twice);
    expectProblem(res, 400, 'REQUEST.MALFORMED_JSON');
    expect(res.json.errors).toEqual([{ path: 'data.role', message: expect.stringContaining('given twice') }]);
    const batch = await post('/v1/events', `{"events":[${JSON.stringify(departedEnvelope())},${twice}]}`);
    expect(batch.json.errors).toEqual([{ path: 'events[1].data.role', message: expect.stringContaining('given twice') }]);
    // Nothing was recorded: the same envelope sent once is created.
    expect((await post('/v1/events', JSON.stringify(envelope))).status).toBe(201);
  });

  it('validates an empty body as {} and names an own __proto__ key by its path', async () => {
    const empty = await post('/v1/events', '');
    expectProblem(empty, 400, 'REQUEST.INVALID');
    // Every field an envelope needs is named, not `type` alone (t27), whether the body is empty, {} or of no known type.
    const required = (path: string) => ({ path, message: 'required' });
    const envelopeFields = ['subject', 'occurredAt', 'data', 'sources'].map(required);
    expect(empty.json.errors).toEqual([required('type'), ...envelopeFields]);
    const braces = await post('/v1/events', '{}');
    expectProblem(braces, 400, 'REQUEST.INVALID');
    expect(braces.json.errors).toEqual([required('type'), ...envelopeFields]);
    const unknownType = await post('/v1/events', JSON.stringify({ type: 'executive.promoted', subject: 'person:x' }));
    expectProblem(unknownType, 400, 'REQUEST.INVALID');
    expect(unknownType.json.errors).toEqual([
      { path: 'type', message: expect.stringContaining('must be one of executive.appointed') },
      ...['occurredAt', 'data', 'sources'].map(required),
    ]);
    const hostile = JSON.stringify(departedEnvelope()).replace('"data":{', '"data":{"__proto__":{"role":"x"},');
    const res = await post('/v1/events', hostile);
    expectProblem(res, 400, 'REQUEST.INVALID');
    expect(JSON.stringify(res.json.errors)).toContain('data.__proto__');
  });

  it('refuses other media types, charsets and encodings with 415 problem+json', async () => {
    const body = JSON.stringify(departedEnvelope());
    expectProblem(await post('/v1/events', body, { 'content-type': 'text/plain' }), 415, 'REQUEST.UNSUPPORTED_MEDIA_TYPE');
    for (const charset of ['latin1', 'utf-16', 'utf-7', 'utf-garbage']) {
      expectProblem(
        await post('/v1/events', body, { 'content-type': `application/json; charset=${charset}` }),
        415,
        'REQUEST.UNSUPPORTED_MEDIA_TYPE',
      );
    }
    const gzip = await post('/v1/events', body, { 'content-encoding': 'gzip' });
    expectProblem(gzip, 415, 'REQUEST.UNSUPPORTED_MEDIA_TYPE');
    expect(gzip.json.errors).toEqual([{ path: 'Content-Type', message: expect.stringContaining('application/json') }]);
    expect(
      (await post('/v1/events', JSON.stringify(departedEnvelope()), { 'content-type': 'application/json; charset=utf-8' })).status,
    ).toBe(201);
  });

  it('refuses a body over the limit with 413 problem+json, from Content-Length and from a chunked body', async () => {
    const big = JSON.stringify({ events: [departedEnvelope({ data: { pad: 'x'.repeat(70 * 1024) } })] });
    const res = await post('/v1/events', big);
    expectProblem(res, 413, 'REQUEST.TOO_LARGE');
    expect(res.json.detail).toContain('64kb');
    // No Content-Length: the parser counts the bytes as they come.
    const chunked = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      const req = httpRequest(
        `${url}/v1/events`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${WRITE}`, 'transfer-encoding': 'chunked' },
        },
        (r) => {
          let text = '';
          r.on('data', (c: Buffer) => (text += c.toString()));
          r.on('end', () => resolve({ status: r.statusCode ?? 0, type: String(r.headers['content-type']), body: text }));
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 10; i++) req.write('x'.repeat(8 * 1024));
      req.end();
    });
    expect(chunked.status).toBe(413);
    expect(chunked.type).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(chunked.body).code).toBe('REQUEST.TOO_LARGE');
    // The server still answers on new connections.
    expect((await post('/v1/events', JSON.stringify(departedEnvelope()))).status).toBe(201);
  });

  it('answers errors and unknown routes as problem+json with the security headers and a request id', async () => {
    for (const res of [await send('/no/such/route'), await post('/v1/events', '{not json'), await send('/v1/events/not-a-uuid')]) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.type).toMatch(/^application\/problem\+json/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
      expect(res.headers.get('x-correlation-id')).toBeTruthy();
    }
    const nowhere = await send('/no/such/route');
    expectProblem(nowhere, 404, 'ROUTE.NOT_FOUND');
    expect(nowhere.json.detail).toBe('Nothing answers GET /no/such/route here; the API is described at /docs.');
    // Refused by Fastify's router before any hook (fuzz-write found it): still a problem with the headers.
    const badUrl = await post('/v1/events/%ED%A0%80/retractions', '{}');
    expectProblem(badUrl, 400, 'REQUEST.INVALID');
    expect(badUrl.json.errors).toEqual([{ path: 'url', message: expect.stringContaining('not UTF-8') }]);
    expect(badUrl.headers.get('x-content-type-options')).toBe('nosniff');
    expect(badUrl.headers.get('x-correlation-id')).toBeTruthy();
  });

  it('needs a write key to write and a read key to read (401, 403 problem+json)', async () => {
    const body = JSON.stringify(departedEnvelope());
    const none = await send('/v1/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expectProblem(none, 401, 'AUTH.KEY_REQUIRED');
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    // Each refusal names the field a client fixes: the header that carries (or should carry) the key.
    expect(none.json.errors).toEqual([{ path: 'Authorization', message: expect.stringContaining('required') }]);
    const readOnly = await post('/v1/events', body, { authorization: `Bearer ${READ}` });
    expectProblem(readOnly, 403, 'AUTH.SCOPE_MISSING');
    expect(readOnly.json.errors).toEqual([{ path: 'Authorization', message: 'the key lacks the "write" scope' }]);
    // Two different keys are no key, even when one of them is valid.
    const twoKeys = await post('/v1/events', body, { authorization: `Bearer ${WRITE}`, 'x-api-key': `${WRITE}-other` });
    expectProblem(twoKeys, 401, 'AUTH.KEY_INVALID');
    const viaHeader = await send('/metrics', { headers: { 'x-api-key': 'no-such-key' } });
    expect(viaHeader.json.errors).toEqual([{ path: 'X-API-Key', message: "is not one of this service's keys" }]);
    expectProblem(await send('/metrics'), 401, 'AUTH.KEY_REQUIRED');
    // A key sent but unknown is said to be so, not asked for again.
    const wrong = await post('/v1/events', body, { authorization: `Bearer ${WRITE}-typo` });
    expectProblem(wrong, 401, 'AUTH.KEY_INVALID');
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expectProblem(await send('/metrics', { headers: { 'x-api-key': 'no-such-key' } }), 401, 'AUTH.KEY_INVALID');
    // The scheme's name in any letter case (RFC 9110), and nothing was recorded by the refusals above.
    expect((await post('/v1/events', body, { authorization: `bearer ${WRITE}` })).status).toBe(201);
    const metrics = await send('/metrics', { headers: { 'x-api-key': READ } });
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/^# HELP/m);
    expect((await send('/health/live')).status).toBe(200);
  });

  it('checks the Idempotency-Key of a retraction (400 naming the header)', async () => {
    const event = departedEnvelope();
    expect((await post('/v1/events', JSON.stringify(event))).status).toBe(201);
    const res = await post(`/v1/events/${event.id}/retractions`, JSON.stringify({ reason: 'test' }), { 'idempotency-key': 'nope' });
    expectProblem(res, 400, 'REQUEST.INVALID');
    expect(res.json.errors[0].path).toBe('Idempotency-Key');
  });

  it('answers a CORS preflight from a listed Origin with 204, and none from another', async () => {
    const preflight = (origin: string) =>
      fetch(`${url}/v1/events`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
      });
    const listed = await preflight(LISTED);
    expect(listed.status).toBe(204);
    expect(listed.headers.get('access-control-allow-origin')).toBe(LISTED);
    expect(listed.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(listed.headers.get('vary')).toMatch(/Origin/);
    const foreign = await preflight('https://evil.example');
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves /docs and its OpenAPI document behind the read key, with the docs policy', async () => {
    expectProblem(await send('/docs/openapi.json'), 401, 'AUTH.KEY_REQUIRED');
    expectProblem(await send('/docs'), 401, 'AUTH.KEY_REQUIRED');
    const auth = { headers: { authorization: `Bearer ${READ}` } };
    const doc = await send('/docs/openapi.json', auth);
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.json.paths)).toContain('/v1/events');
    const page = await send('/docs', auth);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const asset of assets) expect([asset, (await send(new URL(asset, `${url}/docs`).pathname, auth)).status]).toEqual([asset, 200]);
    // The description once, as JSON: not also as YAML beside the page, where Swagger's module puts it by default.
    expectProblem(await send('/docs-yaml', auth), 404, 'ROUTE.NOT_FOUND');
    expectProblem(await send('/docs-json', auth), 404, 'ROUTE.NOT_FOUND');
  });
});
