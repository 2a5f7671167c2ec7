import { randomBytes } from 'node:crypto';
import { IncomingHttpHeaders, request } from 'node:http';
import { INestApplication } from '@nestjs/common';
import { createTestDatabase, pollUntil, TestDatabase, testApiKey } from '@newsroom/testing';
import { loadQueryConfig } from '../src/config/query.config';
import { FeedHub } from '../src/feed/feed-hub.service';
import { startQueryApp } from './support/query-app.harness';
import { WsFeedClient } from '../../../tests/e2e/feed.client';

/**
 * The feed WebSocket's handshake as a client sees it, on the real query app (in process, real Postgres): what the
 * URL may carry, the read rate limit, and the answer while the service shuts down. Handshakes are sent by hand on
 * node:http so every refusal's status, head and problem+json body can be read (a WebSocket client hides them).
 * Clients that must not share a rate-limit bucket connect from their own loopback address (127.0.0.x).
 */
interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: { code?: string; detail?: string; errors?: Array<{ path: string; message: string }> } | null;
  error?: string;
}

/** One WebSocket handshake (GET with Upgrade: websocket); an accepted socket is closed at once. */
function handshake(url: string, localAddress = '127.0.0.1', headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve) => {
    const req = request(url, {
      localAddress,
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': randomBytes(16).toString('base64'),
        ...headers,
      },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: null });
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : null }));
    });
    req.on('error', (error) => resolve({ status: 0, headers: {}, body: null, error: error.message }));
    req.end();
  });
}

/** A plain GET from `localAddress` (fetch cannot choose it): the status and head only. */
function plainGet(url: string, localAddress: string): Promise<{ status: number; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { localAddress }, (res) => {
      res.destroy();
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
    });
    req.on('error', reject);
    req.end();
  });
}

const BURST = 100;

describe('Feed WebSocket handshake: URL parameters, read rate limit, shutdown (query app in process)', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let url: string;
  let closed = false;
  const readKey = testApiKey();
  /** The endpoint's URL: http: for a handshake sent by hand, ws: for a WebSocket client (`ws(query, 'ws')`). */
  const ws = (query = '', scheme = 'http') => `${url.replace('http', scheme)}/v1/feed/ws${query}`;

  beforeAll(async () => {
    db = await createTestDatabase('feed-ws-handshake');
    const config = loadQueryConfig({
      ...process.env,
      DATABASE_URL: db.url,
      NEWSROOM_API_KEYS: `${readKey}:read`,
      NEWSROOM_REQUIRE_READ_KEY: 'true',
      FEED_HEARTBEAT_MS: '300',
      // A slow refill: a burst over the bucket is refused, and nothing refills it during the burst.
      QUERY_READ_RATE_PER_IP: '0.5',
      QUERY_READ_BURST_PER_IP: String(BURST),
      LOG_LEVEL: process.env.TEST_LOG ? 'info' : 'silent',
    });
    ({ app, url } = await startQueryApp(config));
  });

  afterAll(async () => {
    if (!closed) await app?.close();
    await db?.drop();
  });

  it('refuses, before upgrading, any URL parameter but `key` with a 400 naming it: filters go in the subscribe message', async () => {
    const filtered = await handshake(ws(`?organization=org:x&types=financial.loss_reported&lang=fr&bogus=1&key=${readKey}`));
    expect(filtered.status).toBe(400);
    expect(filtered.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(filtered.body).toMatchObject({ code: 'REQUEST.INVALID', detail: expect.stringMatching(/subscribe message/) });
    expect(filtered.body?.errors).toEqual([
      { path: 'organization', message: 'not taken in the URL: send "organization" in the subscribe message' },
      { path: 'types', message: 'not taken in the URL: send "types" in the subscribe message' },
      { path: 'lang', message: 'not taken in the URL: send "lang" in the subscribe message' },
      { path: 'bogus', message: 'unknown parameter: the WebSocket URL takes only `key`' },
    ]);
    // `?after=N` with `{}` used to subscribe from 0.
    const after = await handshake(ws('?after=13400'), '127.0.0.1', { authorization: `Bearer ${readKey}` });
    expect(after.status).toBe(400);
    expect(after.body?.errors?.map((e) => e.path)).toEqual(['after']);
    // The key alone, in any letter case, is what the URL takes (browsers cannot send headers).
    expect((await handshake(ws(`?key=${readKey}`))).status).toBe(101);
    expect((await handshake(ws(`?KEY=${readKey}`))).status).toBe(101);
    // The key is checked first: a stranger learns nothing of the parameters.
    expect((await handshake(ws('?types=x'))).status).toBe(401);
    // A client from the WebSocket library sees the refusal too.
    const client = new WsFeedClient(ws(`?key=${readKey}&after=5`, 'ws'));
    await expect(client.waitOpen()).rejects.toThrow(/400/);
    await pollUntil(() => app.get(FeedHub).size === 0, { what: 'no subscription left' });
  });

  it('tells a plain GET with a good `?key=` to upgrade (426), as where reads need no key; no key or a wrong one is 401', async () => {
    const plain = (query: string) =>
      fetch(ws(query)).then(async (res) => ({ status: res.status, headers: res.headers, body: (await res.json()) as { code?: string } }));
    for (const query of [`?key=${readKey}`, `?KEY=${readKey}`, `?after=0&Key=${readKey}`]) {
      const told = await plain(query);
      expect({ query, status: told.status, code: told.body.code, upgrade: told.headers.get('upgrade') }).toEqual({
        query,
        status: 426,
        code: 'REQUEST.UPGRADE_REQUIRED',
        upgrade: 'websocket',
      });
      expect(told.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    // A key header is taken as before; none, or one the service does not know, is refused first.
    expect((await fetch(ws(), { headers: { authorization: `Bearer ${readKey}` } })).status).toBe(426);
    const missing = await plain('');
    expect({ status: missing.status, code: missing.body.code }).toEqual({ status: 401, code: 'AUTH.KEY_REQUIRED' });
    const wrong = await plain(`?key=${testApiKey()}`);
    expect({ status: wrong.status, code: wrong.body.code }).toEqual({ status: 401, code: 'AUTH.KEY_INVALID' });
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('counts an upgrade as one request of the per-IP read budget: over it, 429 with Retry-After before upgrading, shared with SSE', async () => {
    const from = '127.0.0.2';
    const answers = await Promise.all(Array.from({ length: BURST + 20 }, () => handshake(ws(`?key=${readKey}`), from)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 101).length).toBeGreaterThanOrEqual(BURST);
    expect(statuses.filter((s) => s === 101).length).toBeLessThan(BURST + 5);
    expect(statuses.filter((s) => s !== 101 && s !== 429)).toEqual([]);
    const accepted = answers.find((a) => a.status === 101)!;
    expect(accepted.headers['ratelimit-limit']).toBe(String(BURST));
    expect(accepted.headers['ratelimit-remaining']).toMatch(/^\d+$/);
    const limited = answers.find((a) => a.status === 429)!;
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.headers['ratelimit-remaining']).toBe('0');
    expect(limited.body).toMatchObject({ code: 'RATE_LIMITED', status: 429, retryAfter: Number(limited.headers['retry-after']) });
    // One budget for every read of the address: its SSE connect is refused too, another address is served.
    expect((await plainGet(`${url}/v1/feed/stream?key=${readKey}`, from)).status).toBe(429);
    expect((await handshake(ws(`?key=${readKey}`), '127.0.0.1')).status).toBe(101);
  });

  it('answers a handshake during shutdown with 503 FEED.SHUTTING_DOWN and Retry-After, never a 4xx', async () => {
    const open = await WsFeedClient.subscribe(ws(`?key=${readKey}`, 'ws'), {});
    await pollUntil(() => open.frames.some((f) => f.type === 'subscribed'), { what: 'subscribed' });
    const answers: Answer[] = [];
    let stop = false;
    // A handshake every 20 ms from its own address (its own rate-limit bucket), until the port is closed.
    const hammer = (async () => {
      while (!stop) {
        const answer = await handshake(ws(`?key=${readKey}`), '127.0.0.3');
        if (answer.status === 0) break;
        answers.push(answer);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    await pollUntil(() => answers.length >= 3, { what: 'handshakes before shutdown' });
    closed = true;
    await app.close();
    stop = true;
    await hammer;
    expect(await open.closedPromise).toBe(1001);
    const refused = answers.filter((a) => a.status !== 101);
    expect(refused.length).toBeGreaterThan(5); // the drain holds the port about a second
    for (const answer of refused) {
      expect(answer.status).toBe(503);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(answer.headers['retry-after']).toBe('2');
      expect(answer.body).toMatchObject({ code: 'FEED.SHUTTING_DOWN', status: 503, retryAfter: 2 });
    }
  });
});
