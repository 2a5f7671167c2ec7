import { connect } from 'node:net';
import { WebSocket } from 'ws';
import { pollUntil, SseClient, startApp } from '@newsroom/testing';
import { post, startStack, TestStack } from './stack.harness';

/**
 * Issue 11 point 8 against the apps as processes: security headers on every response, CORS closed unless the
 * Origin is listed, the feed WebSocket refusing foreign browser origins, slow-header clients cut, and the query
 * service (no route takes a body) refusing a 1 MB POST with 413 before reading it.
 */
const LISTED = 'https://desk.example';
const HEADERS_TIMEOUT_MS = 3000;
const REQUEST_TIMEOUT_MS = 3000;

describe('HTTP hygiene: headers, CORS, WebSocket Origin, slowloris, query body limit', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack('hygiene', {
      NEWSROOM_CORS_ORIGINS: `${LISTED}, https://other.example`,
      NEWSROOM_HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      NEWSROOM_HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      FEED_HEARTBEAT_MS: '500',
    });
  }, 120000);
  afterAll(async () => {
    await stack?.stop();
  });

  const expectSecurityHeaders = (res: { headers: Headers }, csp = /^default-src 'none'; frame-ancestors 'none'/) => {
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-security-policy')).toMatch(csp);
  };

  it('every service sends the security headers, on answers and on errors', async () => {
    for (const app of Object.values(stack.apps)) {
      expectSecurityHeaders(await fetch(`${app.url}/health/live`));
      expectSecurityHeaders(await fetch(`${app.url}/no/such/route`));
    }
    expectSecurityHeaders(await fetch(`${stack.apps.query.url}/v1/feed?limit=1`));
    expectSecurityHeaders(await post(`${stack.apps.ingest.url}/v1/events`, '{not json', stack.key));
  });

  it('a path that exists under other methods answers 405 with Allow (ingest on Fastify, query on Express); an unknown path 404', async () => {
    const ask = async (url: string, method: string) => {
      const res = await fetch(url, { method, headers: { authorization: `Bearer ${stack.key}` } });
      return {
        status: res.status,
        allow: res.headers.get('allow'),
        type: res.headers.get('content-type'),
        body: (await res.json()) as { code: string; detail?: string },
      };
    };
    const ingest = stack.apps.ingest.url;
    const query = stack.apps.query.url;
    expect(await ask(`${ingest}/v1/events`, 'PUT')).toMatchObject({
      status: 405,
      allow: 'POST',
      type: expect.stringMatching(/^application\/problem\+json/),
      body: {
        code: 'REQUEST.METHOD_NOT_ALLOWED',
        detail: 'PUT is not taken at /v1/events: it takes POST.',
        errors: [{ path: '', message: 'the method must be POST' }],
      },
    });
    expect(await ask(`${ingest}/v1/events/0193b7f0-0000-7000-8000-000000000001`, 'DELETE')).toMatchObject({
      status: 405,
      allow: 'GET, HEAD',
    });
    expect(await ask(`${query}/v1/reports/timeline?limit=1`, 'DELETE')).toMatchObject({
      status: 405,
      allow: 'GET, HEAD',
      body: { code: 'REQUEST.METHOD_NOT_ALLOWED' },
    });
    expect(await ask(`${query}/v1/entities/org:openai`, 'PATCH')).toMatchObject({ status: 405, allow: 'GET, HEAD' });
    for (const url of [ingest, query]) {
      expect(await ask(`${url}/no/such/route`, 'DELETE')).toMatchObject({ status: 404, body: { code: 'ROUTE.NOT_FOUND' } });
    }
    expect((await ask(`${ingest}/v1/events/a/b`, 'GET')).status).toBe(404);
  });

  it('the Swagger page has its own policy and loads: every script and stylesheet it names is served from itself', async () => {
    const res = await fetch(`${stack.apps.query.url}/docs`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    const html = await res.text();
    expect(html).toMatch(/swagger-ui/);
    // script-src 'self' runs no inline script: the page must have none.
    expect(html.match(/<script(?![^>]*\bsrc=)[^>]*>/g) ?? []).toEqual([]);
    const assets = [...html.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const asset of assets) {
      expect(asset).not.toMatch(/^(https?:)?\/\//); // same origin only
      const a = await fetch(new URL(asset, res.url)); // as the browser resolves it, from the page's own URL
      expect(a.status).toBe(200);
      expectSecurityHeaders(a, /script-src 'self'/);
    }
  });

  it('/docs serves only the Swagger page and the files it loads, on both services: the rest of swagger-ui-dist is a 404 problem', async () => {
    const page = ['/docs', '/docs/', '/docs/swagger-ui.css', '/docs/swagger-ui-bundle.js', '/docs/swagger-ui-standalone-preset.js'];
    const more = ['/docs/swagger-ui-init.js', '/docs/favicon-32x32.png', '/docs/favicon-16x16.png', '/docs/openapi.json'];
    // The package's own files (its version in package.json, the stock petstore page and its initializer, source maps),
    // and spellings that reach a file by another name (an encoded dot, another case, the page's second mount).
    const packageFiles = [
      '/docs/package.json',
      '/docs/README.md',
      '/docs/index.html',
      '/docs/swagger-initializer.js',
      '/docs/swagger-ui.css.map',
      '/docs/swagger-ui-bundle.js.map',
      '/docs/oauth2-redirect.html',
      '/docs/absolute-path.js',
      '/docs/index.js',
      '/docs/LICENSE',
      '/docs/package%2Ejson',
      '/DOCS/package.json',
      '/Docs/README.md',
      '/docs/docs/swagger-ui-init.js',
      '/docs//package.json',
      '/docs/no-such-file.js',
      // The description under other names, as Swagger's module serves it by default: only /docs/openapi.json.
      '/docs-yaml',
      '/docs-json',
    ];
    for (const app of [stack.apps.query, stack.apps.ingest]) {
      const served = app === stack.apps.query ? [...page, ...more, '/docs/asyncapi.json'] : [...page, ...more];
      for (const path of served) expect([app.name, path, (await fetch(`${app.url}${path}`)).status]).toEqual([app.name, path, 200]);
      // Everything the page names is among them.
      const html = await (await fetch(`${app.url}/docs/`)).text();
      for (const [, asset] of html.matchAll(/(?:src|href)="([^"]+)"/g))
        expect(served).toContain(new URL(asset, `${app.url}/docs/`).pathname);
      for (const path of packageFiles) {
        const res = await fetch(`${app.url}${path}`);
        const body = (await res.json()) as { code: string; detail: string };
        expect([app.name, path, res.status, res.headers.get('content-type')]).toEqual([
          app.name,
          path,
          404,
          expect.stringMatching(/^application\/problem\+json/),
        ]);
        expect(body.code).toBe('ROUTE.NOT_FOUND');
        expect(JSON.stringify(body)).not.toMatch(/swagger-ui-dist|5\.\d+\.\d+/);
      }
    }
  });

  it('CORS is closed to unlisted origins and open to listed ones (headers and preflight)', async () => {
    const query = stack.apps.query.url;
    const foreign = await fetch(`${query}/v1/feed?limit=1`, { headers: { origin: 'https://evil.example' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const foreignPreflight = await fetch(`${stack.apps.ingest.url}/v1/events`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(foreignPreflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(foreignPreflight.headers.get('access-control-allow-methods')).toBeNull();

    const listed = await fetch(`${query}/v1/feed?limit=1`, { headers: { origin: LISTED } });
    expect(listed.status).toBe(200);
    expect(listed.headers.get('access-control-allow-origin')).toBe(LISTED);
    expect(listed.headers.get('vary')).toMatch(/Origin/i);
    const preflight = await fetch(`${stack.apps.ingest.url}/v1/events`, {
      method: 'OPTIONS',
      headers: { origin: LISTED, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(LISTED);
    expect(preflight.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/i);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/If-None-Match/i);
    // A report varies by Accept too: both names, neither replacing the other; the headers a script needs exposed.
    const report = await fetch(`${query}/v1/reports/leadership?organization=org:openai`, { headers: { origin: LISTED } });
    expect(report.status).toBe(200);
    expect(report.headers.get('vary')).toMatch(/Origin/i);
    expect(report.headers.get('vary')).toMatch(/Accept/i);
    expect(report.headers.get('access-control-expose-headers')).toMatch(/Newsroom-Position.*Content-Disposition.*RateLimit-Remaining/);
  });

  const wsOpen = (headers: Record<string, string>) =>
    new Promise<{ status: number; type?: string; body: string }>((resolve, reject) => {
      const ws = new WebSocket(`${stack.apps.query.url.replace('http', 'ws')}/v1/feed/ws`, { headers });
      ws.on('open', () => {
        ws.close();
        resolve({ status: 101, body: '' });
      });
      ws.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
      });
      ws.on('error', reject);
    });

  it('the feed WebSocket refuses a browser Origin not listed (403 problem+json), and takes listed, same-host and no Origin', async () => {
    const refused = await wsOpen({ origin: 'https://evil.example' });
    expect(refused.status).toBe(403);
    expect(refused.type).toMatch(/application\/problem\+json/);
    expect(JSON.parse(refused.body).code).toBe('AUTH.ORIGIN_REFUSED');
    expect((await wsOpen({ origin: LISTED })).status).toBe(101);
    expect((await wsOpen({ origin: stack.apps.query.url })).status).toBe(101);
    expect((await wsOpen({})).status).toBe(101);
  });

  it('a write without a key is refused from its headers, before its body is read or parsed', async () => {
    const ingest = stack.apps.ingest.url;
    // Malformed JSON and no key: the key is what is missing (401), not a parse error that tells a stranger anything.
    const malformed = await fetch(`${ingest}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(malformed.status).toBe(401);
    expect(((await malformed.json()) as { code: string }).code).toBe('AUTH.KEY_REQUIRED');
    const wrong = await fetch(`${ingest}/v1/stories`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer not-a-key' },
      body: '{not json',
    });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { code: string }).code).toBe('AUTH.KEY_INVALID');
    // A body announced and never sent: the answer is the 401, not the request timeout's 408 that waiting for it gives.
    const url = new URL(ingest);
    const socket = connect(Number(url.port), url.hostname);
    let answer = '';
    socket.on('data', (c) => (answer += c.toString()));
    socket.on('error', () => undefined);
    socket.write(
      `POST /v1/events/0193b7f0-0000-7000-8000-000000000001/corrections HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"reason":`,
    );
    try {
      await pollUntil(() => answer.includes('\r\n\r\n'), { timeoutMs: 10000, what: 'an answer without the body' });
      expect(answer).toMatch(/^HTTP\/1\.1 401 /);
      expect(answer).toContain('AUTH.KEY_REQUIRED');
    } finally {
      socket.destroy();
    }
    // With the key, the same malformed body is the parser's 400.
    expect((await post(`${ingest}/v1/events`, '{not json', stack.key)).status).toBe(400);
  });

  it('a client trickling its headers one byte a second is cut within the headers timeout', async () => {
    const url = new URL(stack.apps.query.url);
    const socket = connect(Number(url.port), url.hostname);
    const started = Date.now();
    let sent = 0;
    let answer = '';
    socket.on('data', (c) => (answer += c.toString()));
    socket.write('GET /health/live HTTP/1.1\r\nHost: x\r\n');
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - started)));
    socket.on('error', () => undefined);
    const header = 'X-Slow: ' + 'a'.repeat(60); // a minute of bytes at one a second
    const timer = setInterval(() => {
      if (sent < header.length && !socket.destroyed) socket.write(header[sent++]);
    }, 1000);
    try {
      let giveUp: NodeJS.Timeout | undefined;
      const elapsed = await Promise.race([closed, new Promise<number>((r) => (giveUp = setTimeout(() => r(-1), 30000)))]);
      clearTimeout(giveUp);
      // eslint-disable-next-line no-console
      console.log(`slow-header client cut after ${elapsed} ms (${sent} header bytes sent, bound ${HEADERS_TIMEOUT_MS} ms + 1 s check)`);
      expect(elapsed).toBeGreaterThan(0); // cut, long before its header was complete
      expect(sent).toBeLessThan(header.length);
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      clearInterval(timer);
      socket.destroy();
    }
  }, 60000);

  it('requestTimeout bounds receiving the request, not the response: an SSE stream lives on well past it', async () => {
    const sse = await SseClient.connect(`${stack.apps.query.url}/v1/feed/stream?after=0`);
    try {
      expect(sse.status).toBe(200);
      const opened = Date.now();
      // Heartbeats keep coming (every 500 ms) after three times the request timeout: the stream was not cut.
      await pollUntil(() => !sse.closed && Date.now() - opened > 3 * REQUEST_TIMEOUT_MS && sse.comments >= 10, {
        timeoutMs: 30000,
        what: 'stream alive past 3x requestTimeout',
      });
      const before = sse.comments;
      await pollUntil(() => sse.comments > before, { timeoutMs: 5000, what: 'one more heartbeat' });
      expect(sse.closed).toBe(false);
    } finally {
      sse.close();
    }
  }, 60000);

  it('NEWSROOM_HTTP_MAX_CONNECTIONS caps the sockets a process holds: the one over is closed unanswered, a freed slot serves again', async () => {
    const capped = await startApp('query', { ...stack.env, NEWSROOM_HTTP_MAX_CONNECTIONS: '4' });
    const sockets: ReturnType<typeof connect>[] = [];
    try {
      const url = new URL(capped.url);
      // Each socket asks for /health/live and stays open (keep-alive); a 200 proves it was served and holds a slot.
      type Asked = { socket: ReturnType<typeof connect>; served: boolean; status: number; closed: boolean };
      const ask = () =>
        new Promise<Asked>((resolve) => {
          const socket = connect(Number(url.port), url.hostname);
          sockets.push(socket);
          const asked: Asked = { socket, served: false, status: 0, closed: false };
          socket.on('error', () => undefined);
          socket.once('data', (chunk: Buffer) => {
            asked.served = true;
            asked.status = Number(/^HTTP\/1\.1 (\d{3})/.exec(chunk.toString('latin1'))?.[1] ?? 0);
            resolve(asked);
          });
          socket.once('close', () => {
            asked.closed = true;
            resolve(asked);
          });
          socket.write('GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n');
        });
      const holding = (a: Asked) => a.served && a.status === 200 && !a.closed;
      // Asks until one is refused, up to twice the cap. The readiness probe's keep-alive socket may hold a slot. And a
      // socket the server answered and closed holds none: one whole-suite run on a loaded machine served a fifth socket
      // after four, most likely because one of the four got a 408 and was closed (requestTimeout is 3 s here and the
      // fresh process can stall that long); only open sockets served with a 200 are counted as holding a slot.
      const served: Asked[] = [];
      let over: Asked | undefined;
      for (let i = 0; i < 8 && !over; i++) {
        const asked = await ask();
        if (asked.served) served.push(asked);
        else over = asked;
      }
      expect(over?.served).toBe(false);
      const open = served.filter(holding);
      expect(open.length).toBeGreaterThanOrEqual(3);
      expect(open.length).toBeLessThanOrEqual(4);
      open[0].socket.destroy();
      await pollUntil(async () => (await ask()).served, { timeoutMs: 10000, what: 'a freed slot serves again' });
    } finally {
      sockets.forEach((s) => s.destroy());
      await capped.stop();
    }
  }, 90000);

  it('the query service refuses a 1 MB POST with 413 problem+json, from its Content-Length, without reading it', async () => {
    const res = await fetch(`${stack.apps.query.url}/v1/feed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pad: 'x'.repeat(1024 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(((await res.json()) as { code: string }).code).toBe('REQUEST.TOO_LARGE');
  });
});
