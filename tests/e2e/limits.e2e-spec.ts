import net from 'node:net';
import { departedEnvelope, pollUntil, startApp, testApiKey } from '@newsroom/testing';
import { RawSseClient, WsFeedClient } from './feed.client';
import { BatchAnswer, post, Problem, Recorded, startStack, TestStack } from './stack.harness';

jest.setTimeout(180_000);

/** Issue 11: per-key write limits, per-IP read limits, per-IP live-connection caps, one history read per socket. */
describe('rate limits and per-client caps (running apps)', () => {
  let stack: TestStack;
  const keyA = testApiKey();
  const keyB = testApiKey();
  const keyC = testApiKey();
  const readKey = testApiKey();
  const auth = { authorization: `Bearer ${readKey}` };
  const CAP = 3;

  beforeAll(async () => {
    stack = await startStack('limits', {
      NEWSROOM_API_KEYS: `${keyA}:write,${keyB}:write,${keyC}:write,${readKey}:read`,
      NEWSROOM_REQUIRE_READ_KEY: 'true',
      INGEST_WRITE_RATE_PER_KEY: '2',
      INGEST_WRITE_BURST_PER_KEY: '20',
      QUERY_READ_RATE_PER_IP: '10',
      QUERY_READ_BURST_PER_IP: '40',
      FEED_MAX_CONNECTIONS_PER_IP: String(CAP),
      FEED_WS_SUBSCRIBE_TIMEOUT_MS: '1500',
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const metricValue = async (url: string, name: string) => {
    const text = await (await fetch(`${url}/metrics`, { headers: auth })).text();
    const m = text.match(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm'));
    return m ? Number(m[1]) : NaN;
  };

  it("answers a burst beyond a key's write limit with 429 problem+json and Retry-After; another key is unaffected", async () => {
    const url = `${stack.apps.ingest.url}/v1/events`;
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 40 }, () => post<Recorded | Problem>(url, departedEnvelope(), keyA)));
    const seconds = (Date.now() - started) / 1000;
    const ok = results.filter((r) => r.status === 201);
    const limited = results.filter((r) => r.status === 429);
    expect(ok.length + limited.length).toBe(40);
    expect(ok.length).toBeGreaterThanOrEqual(20);
    expect(ok.length).toBeLessThanOrEqual(20 + Math.ceil(seconds * 2)); // the burst, plus what refilled at 2/s meanwhile
    expect(limited[0].headers.get('content-type')).toContain('application/problem+json');
    expect((limited[0].body as Problem).code).toBe('RATE_LIMITED');
    expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(ok[0].headers.get('ratelimit-limit')).toBe('20');
    const other = await post(url, departedEnvelope(), keyB);
    expect(other.status).toBe(201);
    expect(other.headers.get('ratelimit-remaining')).toBe('19');
  });

  it('limits reads per client IP on the query API with 429 and Retry-After; health and metrics are not counted', async () => {
    const responses = await Promise.all(
      Array.from({ length: 150 }, () => fetch(`${stack.apps.query.url}/v1/feed?limit=1`, { headers: auth })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(40);
    const limited = responses.find((r) => r.status === 429)!;
    expect(limited).toBeDefined();
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await limited.json()) as Problem).code).toBe('RATE_LIMITED');
    await Promise.all(responses.map(async (r) => r.body?.cancel().catch(() => undefined)));
    expect((await fetch(`${stack.apps.query.url}/metrics`, { headers: auth })).status).toBe(200);
    expect((await fetch(`${stack.apps.query.url}/health/live`)).status).toBe(200);
    // Wait for the bucket to refill before the next tests read.
    await new Promise((resolve) => setTimeout(resolve, 4000));
  });

  it('closes a WebSocket that never subscribes after the subscribe timeout, and counts it toward the per-IP cap meanwhile', async () => {
    const wsUrl = `${stack.apps.query.url.replace('http', 'ws')}/v1/feed/ws`;
    const idle = Array.from({ length: CAP }, () => new WsFeedClient(wsUrl, auth));
    await Promise.all(idle.map((c) => c.waitOpen()));
    // Every slot of this IP is held by sockets that never subscribed: the next live connection is refused.
    const sse = await RawSseClient.connect(`${stack.apps.query.url}/v1/feed/stream?after=0`, auth);
    try {
      expect(sse.status).toBe(429);
    } finally {
      sse.close();
    }
    const started = Date.now();
    await pollUntil(() => idle.every((c) => c.closeCode !== null), { timeoutMs: 10000, intervalMs: 100, what: 'idle sockets closed' });
    process.stdout.write(`[limits] unsubscribed sockets closed ${Date.now() - started} ms after the refused stream (timeout 1500 ms)\n`);
    expect(idle.every((c) => c.closeFrame?.problem?.code === 'FEED.SUBSCRIBE_EXPECTED')).toBe(true);
  });

  it('refuses the N+1-th live connection from one IP: 429 problem+json for SSE, a close with a reason for WebSocket', async () => {
    const base = stack.apps.query.url;
    const wsUrl = `${base.replace('http', 'ws')}/v1/feed/ws`;
    // The previous test's sockets may take a moment to be released server-side.
    const held: Array<{ close(): void }> = [];
    try {
      const first = await pollUntil(
        async () => {
          const c = await RawSseClient.connect(`${base}/v1/feed/stream`, auth);
          if (c.status === 200) return c;
          c.close();
          return null;
        },
        { timeoutMs: 10000, intervalMs: 200, what: 'a free connection slot' },
      );
      held.push(first);
      held.push(await RawSseClient.connect(`${base}/v1/feed/stream`, auth));
      held.push(await WsFeedClient.subscribe(wsUrl, { after: '0' }, auth));
      const extraSse = await RawSseClient.connect(`${base}/v1/feed/stream`, auth);
      held.push(extraSse);
      expect(extraSse.status).toBe(429);
      const extraWs = new WsFeedClient(wsUrl, auth);
      held.push(extraWs);
      const code = await extraWs.closedPromise;
      expect(code).toBe(1013);
      expect(extraWs.closeFrame?.problem?.code).toBe('FEED.TOO_MANY_CONNECTIONS');
    } finally {
      held.forEach((c) => c.close());
    }
    // Slots come back when clients leave.
    await pollUntil(
      async () => {
        const c = await RawSseClient.connect(`${base}/v1/feed/stream`, auth);
        c.close();
        return c.status === 200;
      },
      { timeoutMs: 10000, intervalMs: 200, what: 'a slot freed' },
    );
  });

  it('answers a malformed WebSocket upgrade with 400 and keeps serving; handshakes that fail never keep a slot of the per-IP cap', async () => {
    const { port } = new URL(stack.apps.query.url);
    // Raw bytes on a socket: what a fuzzer or a broken client sends, with the read key so the cap is in play.
    const exchange = (head: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = net.createConnection({ host: '127.0.0.1', port: Number(port) }, () => socket.write(head));
        let answer = '';
        socket.setEncoding('utf8');
        socket.on('data', (d: string) => (answer += d));
        socket.on('close', () => resolve(answer));
        socket.on('error', reject);
        socket.setTimeout(10000, () => socket.destroy(new Error(`no answer to ${head.split('\r\n')[0]}`)));
      });
    const upgrade = (target: string, extra = '') =>
      `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-API-Key: ${readKey}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n${extra}\r\n`;
    // An absolute-form target that is not a URL: the parser lets it through, the URL parser throws.
    const malformed = await exchange(upgrade('http://['));
    expect(malformed).toMatch(/^HTTP\/1\.1 400 /);
    expect(malformed).toContain('application/problem+json');
    expect(JSON.parse(malformed.slice(malformed.indexOf('\r\n\r\n') + 4))).toMatchObject({
      code: 'REQUEST.INVALID',
      errors: [{ path: 'url' }],
    });
    // Twice the cap of handshakes that pass our checks but that ws refuses (no Sec-WebSocket-Key, wrong version).
    // Each is answered with a problem naming the header at fault (ws's own answer was text/html).
    const bodyOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
    for (let i = 0; i < CAP; i++) {
      const noKey = await exchange(upgrade('/v1/feed/ws'));
      expect(noKey).toMatch(/^HTTP\/1\.1 400 /);
      expect(noKey).toContain('application/problem+json');
      expect(bodyOf(noKey)).toMatchObject({ code: 'REQUEST.INVALID', errors: [{ path: 'Sec-WebSocket-Key' }] });
      const version = await exchange(
        upgrade('/v1/feed/ws', 'Sec-WebSocket-Version: 99\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n'),
      );
      expect(version).toMatch(/^HTTP\/1\.1 400 /);
      expect(version).toMatch(/\r\nSec-WebSocket-Version: 13, 8\r\n/);
      expect(bodyOf(version)).toMatchObject({ errors: [{ path: 'Sec-WebSocket-Version' }] });
    }
    const posted = await exchange(upgrade('/v1/feed/ws').replace(/^GET/, 'POST'));
    expect(posted).toMatch(/^HTTP\/1\.1 405 /);
    expect(posted).toMatch(/\r\nAllow: GET\r\n/);
    // A plain request there (no Connection: Upgrade, as a browser's address bar or curl sends) is told to upgrade.
    const plain = await fetch(`${stack.apps.query.url}/v1/feed/ws`, { headers: auth });
    expect(plain.status).toBe(426);
    expect(plain.headers.get('upgrade')).toBe('websocket');
    expect(await plain.json()).toMatchObject({ code: 'REQUEST.UPGRADE_REQUIRED', errors: [{ path: 'Upgrade' }] });
    expect((await fetch(`${stack.apps.query.url}/v1/feed/ws`, { method: 'POST', headers: auth })).status).toBe(405);
    // The process is alive and every slot is free: CAP live connections open at once.
    const wsUrl = `${stack.apps.query.url.replace('http', 'ws')}/v1/feed/ws`;
    const held: Array<{ close(): void }> = [];
    try {
      for (let i = 0; i < CAP; i++) {
        const c = await pollUntil(
          async () => {
            const sse = await RawSseClient.connect(`${stack.apps.query.url}/v1/feed/stream`, auth);
            if (sse.status === 200) return sse;
            sse.close();
            return null;
          },
          { timeoutMs: 10000, intervalMs: 200, what: `live connection ${i + 1} of ${CAP}` },
        );
        held.push(c);
      }
      // And the cap still holds: the one over is refused.
      const over = new WsFeedClient(wsUrl, auth);
      held.push(over);
      expect(await over.closedPromise).toBe(1013);
    } finally {
      held.forEach((c) => c.close());
    }
  });

  it('runs at most one history read per socket however many subscribe messages it sends, and the last one wins', async () => {
    let last = '0';
    for (let i = 0; i < 4; i++) {
      const res = await post<BatchAnswer>(
        `${stack.apps.ingest.url}/v1/events`,
        { events: Array.from({ length: 500 }, () => departedEnvelope()) },
        keyC,
      );
      expect(res.status).toBe(200);
      last = res.body.results
        .map((r) => BigInt(r.globalPosition!))
        .reduce((a, b) => (a > b ? a : b))
        .toString();
    }
    await pollUntil(async () => (await metricValue(stack.apps.query.url, 'feed_tail_position')) >= Number(last), {
      timeoutMs: 60000,
      intervalMs: 500,
      what: 'the feed at the last event',
    });
    // A query instance of its own: its history-read metrics count this socket only.
    const query = await startApp('query', stack.env);
    let ws: WsFeedClient | undefined;
    try {
      ws = new WsFeedClient(`${query.url.replace('http', 'ws')}/v1/feed/ws`, auth);
      await ws.waitOpen();
      for (let i = 0; i < 30; i++) ws.send({ after: '0' });
      const acks = () => ws!.frames.filter((f) => f.type === 'subscribed').length;
      // The items after the last acknowledgement are the whole feed, once and in order.
      await pollUntil(
        () => {
          const i = ws!.frames.map((f) => f.type).lastIndexOf('subscribed');
          const after = ws!.frames.slice(i + 1).filter((f) => f.type === 'item');
          return after.length > 0 && after[after.length - 1].item.position === last;
        },
        { timeoutMs: 60000, intervalMs: 200, what: 'the last subscription caught up' },
      );
      const i = ws.frames.map((f) => f.type).lastIndexOf('subscribed');
      const positions = ws.frames
        .slice(i + 1)
        .filter((f) => f.type === 'item')
        .map((f) => BigInt(f.item.position));
      expect(positions.every((p, k) => k === 0 || p > positions[k - 1])).toBe(true);
      const peak = await metricValue(query.url, 'feed_history_reads_peak');
      const reads = await metricValue(query.url, 'feed_history_reads_total');
      process.stdout.write(
        `[limits] 30 subscribe messages on one socket: ${reads} history reads, at most ${peak} at once, ${acks()} acknowledged\n`,
      );
      expect(peak).toBe(1);
      expect(reads).toBeLessThan(30);
    } finally {
      ws?.close();
      await query.stop();
    }
  });
});
