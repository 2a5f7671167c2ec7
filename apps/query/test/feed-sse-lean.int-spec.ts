import { ClientRequest, IncomingHttpHeaders, IncomingMessage, request, ServerResponse } from 'node:http';
import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventToAppend, PgEventStore } from '@newsroom/event-store';
import { FeedItemsProjection, ProjectionRunner } from '@newsroom/projections';
import {
  createTestDatabase,
  eventToAppend,
  parseSseBlock,
  pollUntil,
  SseFrame,
  TestDatabase,
  testApiKey,
  testKafka,
} from '@newsroom/testing';
import { KafkaClient, toWireEvent } from '@newsroom/messaging';
import { loadQueryConfig } from '../src/config/query.config';
import { FeedHub } from '../src/feed/feed-hub.service';
import { FeedSseStreams } from '../src/feed/feed-sse-streams.service';
import { startQueryApp } from './support/query-app.harness';

/**
 * The SSE stream is served from the HTTP server's request event, before Express (feed-sse.gateway.ts); the Nest
 * route answers what it hands on. These tests hold the lean route to the Nest route's contract: the same head,
 * refusals as the Nest route's problem+json, Last-Event-ID resume, heartbeats, items in order, the per-IP cap and
 * the rate limit. Which way a stream went is read from the response FeedSseStreams opened it on (Express's has
 * `locals`, Node's has not).
 */
const CORS_ORIGIN = 'https://newsroom.example';
const departed = (organization = 'org:openai'): EventToAppend =>
  eventToAppend({ data: { organization, role: 'Chief Technology Officer', roleCategory: 'c-suite', reason: 'resigned' } });

interface Stream {
  status: number;
  headers: IncomingHttpHeaders;
  raw: () => string;
  frames: () => SseFrame[];
  close: () => void;
  ended: Promise<string>;
}

/** Every stream a test opened, closed after it whatever happened. */
const opened: Stream[] = [];

/** A GET on node:http (so a test can send a body with it), read as it arrives. */
function get(url: string, headers: Record<string, string> = {}, body?: string): Promise<Stream> {
  const length: Record<string, string> = body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) };
  return new Promise((resolve, reject) => {
    const req: ClientRequest = request(url, { headers: { accept: 'text/event-stream', ...length, ...headers } }, (res: IncomingMessage) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      const ended = new Promise<string>((done) => res.on('close', () => done(text)));
      const stream: Stream = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        raw: () => text,
        frames: () =>
          text
            .split('\n\n')
            .slice(0, -1)
            .map(parseSseBlock)
            .filter((f): f is SseFrame => f !== null),
        close: () => req.destroy(),
        ended,
      };
      opened.push(stream);
      resolve(stream);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The head as the client saw it, less what differs on every response. */
const headOf = (s: Stream) => {
  const { date: _date, 'x-correlation-id': _id, 'ratelimit-remaining': _left, 'ratelimit-reset': _reset, ...rest } = s.headers;
  return rest;
};

describe('SSE stream served before Express: the Nest route contract', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PgEventStore;
  let kafka: KafkaClient;
  let runner: ProjectionRunner;
  let app: INestApplication;
  let url: string;
  let offset = 0;
  let projected = '0';
  const readKey = testApiKey();
  const auth = { authorization: `Bearer ${readKey}` };
  const corsBefore = process.env.NEWSROOM_CORS_ORIGINS;
  /** For each stream opened, whether Express served it. */
  const servedByExpress: boolean[] = [];

  const record = async (subject: string, events: EventToAppend[]) => {
    const appended = await store.append({ streamId: subject, expectedVersion: 'any', events });
    const fresh = await store.readAll(projected, 1000);
    await runner.handleBatch({
      topic: 'lean-int',
      partition: 0,
      messages: fresh.map((e) => ({
        topic: 'lean-int',
        partition: 0,
        offset: String(offset++),
        key: e.streamId,
        headers: {},
        value: Buffer.from(JSON.stringify(toWireEvent(e))),
      })),
    });
    projected = fresh[fresh.length - 1].globalPosition;
    return appended;
  };
  const noStreamsOpen = () => pollUntil(() => app.get(FeedHub).size === 0, { what: 'every stream closed' });

  beforeAll(async () => {
    db = await createTestDatabase('feed-sse-lean');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    store = new PgEventStore(db.pool);
    kafka = testKafka('lean-int');
    runner = new ProjectionRunner(ds, [new FeedItemsProjection()], kafka, { dlqTopic: 'lean-int-dlq-unused', maxAttempts: 1 });
    // bootstrapHttp reads the CORS list from the environment, the feed from its config: both get it.
    process.env.NEWSROOM_CORS_ORIGINS = CORS_ORIGIN;
    const config = loadQueryConfig({
      ...process.env,
      DATABASE_URL: db.url,
      NEWSROOM_API_KEYS: `${readKey}:read`,
      NEWSROOM_REQUIRE_READ_KEY: 'true',
      FEED_POLL_MS: '50',
      FEED_HEARTBEAT_MS: '200',
      FEED_MAX_CONNECTIONS_PER_IP: '3',
      // Slow refill, room for every request of this file but the last test's, which spends the rest.
      QUERY_READ_RATE_PER_IP: '0.2',
      QUERY_READ_BURST_PER_IP: '60',
      LOG_LEVEL: process.env.TEST_LOG ? 'info' : 'silent',
    });
    const open = FeedSseStreams.prototype.open;
    jest.spyOn(FeedSseStreams.prototype, 'open').mockImplementation(function (this: FeedSseStreams, res: ServerResponse, ...rest) {
      const opened = open.call(this, res, ...rest);
      if (opened) servedByExpress.push('locals' in res);
      return opened;
    });
    ({ app, url } = await startQueryApp(config));
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    if (corsBefore === undefined) delete process.env.NEWSROOM_CORS_ORIGINS;
    else process.env.NEWSROOM_CORS_ORIGINS = corsBefore;
    await app?.close();
    await kafka?.close();
    await ds?.destroy();
    await db?.drop();
  });

  afterEach(async () => {
    opened.splice(0).forEach((s) => s.close());
    await noStreamsOpen();
  });

  it('serves an accepted stream itself, with the head and first frame the Nest route sends', async () => {
    const lean = await get(`${url}/v1/feed/stream?key=${readKey}&after=0`, { origin: CORS_ORIGIN });
    // A body sends the same request on to Express (the lean route takes none): the Nest route's answer.
    const nest = await get(`${url}/v1/feed/stream?after=0`, { ...auth, origin: CORS_ORIGIN, 'content-type': 'text/plain' }, 'x');
    expect(servedByExpress).toEqual([false, true]);
    expect(lean.status).toBe(200);
    expect(headOf(lean)).toEqual(headOf(nest));
    expect(lean.headers).toMatchObject({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'access-control-allow-origin': CORS_ORIGIN,
      'ratelimit-limit': '60',
    });
    expect(lean.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    const ours = await get(`${url}/v1/feed/stream/`, { ...auth, 'x-correlation-id': 'trace-42', origin: 'https://elsewhere.example' });
    expect(ours.headers['x-correlation-id']).toBe('trace-42');
    expect(ours.headers['access-control-allow-origin']).toBeUndefined();
    await pollUntil(() => lean.raw().length > 0 && nest.raw().length > 0, { what: 'the first frames' });
    expect(lean.raw().startsWith('retry: 2000\n: connected\n\n')).toBe(true);
    expect(nest.raw().startsWith('retry: 2000\n: connected\n\n')).toBe(true);
    expect(servedByExpress).toEqual([false, true, false]);
    for (const s of [lean, nest, ours]) s.close();
  });

  it('refuses a parameter the feed history or the Atom feed does not take, naming it (400), as the reports do', async () => {
    const history = await fetch(`${url}/v1/feed?type=executive.departed&limit=5`, { headers: auth });
    const atom = await fetch(`${url}/v1/feed.atom?after=3&organisation=org:openai`, { headers: auth });
    for (const r of [history, atom]) {
      expect(r.status).toBe(400);
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    expect(((await history.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(['type']);
    expect(((await atom.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(['after', 'organisation']);
    expect((await fetch(`${url}/v1/feed?types=executive.departed&limit=5`, { headers: auth })).status).toBe(200);
    expect((await fetch(`${url}/v1/feed.atom?types=executive.departed&limit=5`, { headers: auth })).status).toBe(200);
  });

  it('leaves every refusal to the Nest route: its problem+json, and no stream opened', async () => {
    const opened = servedByExpress.length;
    const refused = [
      await get(`${url}/v1/feed/stream`),
      await get(`${url}/v1/feed/stream?key=not-a-key-at-all-000`),
      await get(`${url}/v1/feed/stream?key=${readKey}&after=yesterday&types=no.such.type`),
      await get(`${url}/v1/feed/stream?lang=fr`, { ...auth, 'last-event-id': '-1' }),
      await get(`${url}/v1/feed/stream?organisation=org:openai&type=executive.departed`, auth),
    ];
    expect(refused.map((r) => r.status)).toEqual([401, 401, 400, 400, 400]);
    for (const r of refused) expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused[0].headers['www-authenticate']).toBe('Bearer');
    const bodies = await Promise.all(refused.map(async (r) => JSON.parse(await r.ended)));
    expect(bodies.map((b) => b.code)).toEqual([
      'AUTH.KEY_REQUIRED',
      'AUTH.KEY_INVALID',
      'REQUEST.INVALID',
      'REQUEST.INVALID',
      'REQUEST.INVALID',
    ]);
    expect(bodies[2].errors.map((e: { path: string }) => e.path)).toEqual(['after', 'types[0]']);
    // A misspelt filter is refused, not answered with the whole feed as if it were the filtered one.
    expect(bodies[4].errors.map((e: { path: string }) => e.path)).toEqual(['organisation', 'type']);
    // The key left the URL before anything could log it, on the lean route as on Express.
    expect(bodies[1].instance).toBe('/v1/feed/stream');
    expect(servedByExpress).toHaveLength(opened);
  });

  it('resumes after Last-Event-ID (over `after`), sends heartbeats, and delivers history then live items in position order', async () => {
    const subject = 'person:lean-resume';
    const first = await record(subject, [departed(), departed(), departed()]);
    const stream = await get(`${url}/v1/feed/stream?subjects=${subject}&after=0`, { ...auth, 'last-event-id': first[0].globalPosition });
    expect(stream.status).toBe(200);
    const live = await record(subject, [departed('org:anthropic'), departed()]);
    const expected = [...first.slice(1), ...live].map((a) => a.globalPosition);
    await pollUntil(() => stream.frames().length >= expected.length, { what: 'history and live items' });
    const frames = stream.frames();
    expect(frames.map((f) => f.id)).toEqual(expected);
    expect(frames.map((f) => JSON.parse(f.data).position)).toEqual(expected);
    // Comment lines only (no item) keep the connection alive, on the hub's one timer.
    await pollUntil(() => stream.raw().includes(': heartbeat\n\n'), { what: 'a heartbeat' });
    // Items only: no `event: status` frame unless asked for with status=true (README, live feed).
    expect(stream.frames()).toHaveLength(expected.length);
    expect(stream.raw()).not.toContain('event: status');
    expect(servedByExpress.at(-1)).toBe(false);
    stream.close();
  });

  it('holds the per-IP connection cap and the rate limit as the Nest route does', async () => {
    const held = [];
    for (let i = 0; i < 3; i++) held.push(await get(`${url}/v1/feed/stream`, auth));
    expect(held.map((s) => s.status)).toEqual([200, 200, 200]);
    const over = await get(`${url}/v1/feed/stream`, auth);
    expect(over.status).toBe(429);
    expect(over.headers['retry-after']).toBe('2');
    expect(JSON.parse(await over.ended).code).toBe('FEED.TOO_MANY_CONNECTIONS');
    held.pop()!.close();
    await pollUntil(() => app.get(FeedHub).size === 2, { what: 'the slot given back' });
    held.push(await get(`${url}/v1/feed/stream`, auth));
    expect(held[2].status).toBe(200);
    expect(servedByExpress.slice(-4)).toEqual([false, false, false, false]);
    held.forEach((s) => s.close());
    await noStreamsOpen();

    // Spend the bucket on cheap refusals (the guard counts them too), then ask for a stream.
    for (let status = 0; status !== 429;) status = (await fetch(`${url}/v1/feed?limit=0`, { headers: auth })).status;
    const limited = await get(`${url}/v1/feed/stream`, auth);
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    expect(limited.headers['ratelimit-remaining']).toBe('0');
    expect(JSON.parse(await limited.ended).code).toBe('RATE_LIMITED');
  });
});
