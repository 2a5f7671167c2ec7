import { spawn } from 'node:child_process';
import { departedEnvelope, FeedItem, headcountEnvelope, pollUntil, SseClient, startApp } from '@newsroom/testing';
import { FeedFilterParams, filterQuery, positionsOf, readWholeFeed, untilReached, WsFeedClient } from './feed.client';
import { BatchAnswer, BatchItemResult, post, Recorded, startStack, TestStack } from './stack.harness';

const PEOPLE = ['p-0', 'p-1', 'p-2', 'p-3', 'p-4', 'p-5'].map((p) => `person:${p}`);
const ORGS = ['org:openai', 'org:anthropic', 'org:xai'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A batch of story events spread over a few people and organizations, so every filter sees some. */
function batch(n: number, seq: number) {
  return Array.from({ length: n }, (_, i) => {
    const k = seq * n + i;
    return k % 4 === 3
      ? headcountEnvelope(1000 + k, { subject: ORGS[k % 3] })
      : departedEnvelope({ subject: PEOPLE[k % 6], data: { organization: ORGS[k % 2], role: `Role ${k}`, roleCategory: 'c-suite' } });
  });
}

/** The highest position a batch was given (results follow the request's order, not position order). */
const highest = (results: BatchItemResult[]) =>
  results
    .map((r) => BigInt(r.globalPosition!))
    .reduce((a, b) => (a > b ? a : b))
    .toString();

interface Session {
  transport: 'sse' | 'ws';
  filter: FeedFilterParams;
  from: string;
  got: FeedItem[];
  connections: number;
}

/** One logical client: connects, stays a random while, drops the connection, resumes from its last position. */
async function runSession(stack: TestStack, s: Session, done: () => boolean, random: () => number): Promise<void> {
  const query = stack.apps.query.url;
  for (;;) {
    const after = s.got.length ? s.got[s.got.length - 1].position : s.from;
    const finishing = done();
    let items: () => FeedItem[];
    let close: () => void;
    if (s.transport === 'ws') {
      const ws = await WsFeedClient.subscribe(`${query.replace('http', 'ws')}/v1/feed/ws`, { ...s.filter, after });
      [items, close] = [() => ws.items, () => ws.close()];
    } else if (s.connections % 2) {
      // As a reconnecting EventSource does: the first URL again, the newest position in Last-Event-ID.
      const sse = await SseClient.connect(`${query}/v1/feed/stream?${filterQuery(s.filter, { after: s.from })}`, {
        'last-event-id': after,
      });
      [items, close] = [() => sse.items, () => sse.close()];
    } else {
      const sse = await SseClient.connect(`${query}/v1/feed/stream?${filterQuery(s.filter, { after })}`);
      [items, close] = [() => sse.items, () => sse.close()];
    }
    s.connections++;
    if (finishing) {
      // Ingestion is over: stay until the whole filtered feed is in.
      const expected = await readWholeFeed(query, s.filter, s.from);
      await untilReached(
        () => [...s.got, ...items()],
        expected[expected.length - 1]?.position,
        `${s.transport} ${JSON.stringify(s.filter)}`,
      );
      close();
      s.got.push(...items());
      return;
    }
    await sleep(100 + random() * 1200);
    close();
    s.got.push(...items());
    await sleep(random() * 300);
  }
}

describe('live feed end to end: SSE and WebSocket clients that come and go while events are ingested', () => {
  let stack: TestStack;

  beforeAll(async () => {
    // Two thousand subscribers from one address (loopback), a thousand streams opened at once: the per-IP cap of
    // live connections and the per-IP read rate are meant for one client each, so they are off here.
    stack = await startStack('feed-live', { FEED_HEARTBEAT_MS: '1000', FEED_MAX_CONNECTIONS_PER_IP: '0', QUERY_READ_RATE_PER_IP: '0' });
  });
  afterAll(() => stack?.stop());

  it('gives every client exactly its filtered sequence, in order, no gap, no duplicate, across random disconnects and resumes', async () => {
    let seed = 20240925;
    const random = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    // Some history before anyone connects.
    expect((await post(`${stack.apps.ingest.url}/v1/events`, { events: batch(40, 0) }, stack.key)).status).toBe(200);
    const filters: FeedFilterParams[] = [
      {},
      { types: ['executive.departed'] },
      { organization: 'org:anthropic' },
      { subjects: [PEOPLE[1], PEOPLE[2]] },
      { types: ['headcount.reported'], lang: 'fr' },
      { organization: 'org:openai', types: ['executive.departed'] },
    ];
    const sessions: Session[] = filters.flatMap((filter, i) => [
      { transport: 'sse' as const, filter, from: i % 2 ? '0' : '', got: [], connections: 0 },
      { transport: 'ws' as const, filter, from: i % 2 ? '' : '0', got: [], connections: 0 },
    ]);
    // Half the clients start at the beginning, half at the head of the feed when they arrive.
    const head = (await readWholeFeed(stack.apps.query.url, {})).slice(-1)[0]?.position ?? '0';
    sessions.forEach((s) => (s.from ||= head));

    let producing = true;
    const producer = (async () => {
      let last = '0';
      for (let seq = 1; seq <= 30; seq++) {
        const res = await post<BatchAnswer>(`${stack.apps.ingest.url}/v1/events`, { events: batch(20, seq) }, stack.key);
        expect(res.status).toBe(200);
        expect(res.body.results.every((r) => r.status === 'created')).toBe(true);
        last = highest(res.body.results);
        await sleep(80 + random() * 150);
      }
      // Over once the feed holds everything posted: then each client knows its final sequence.
      await pollUntil(async () => (await readWholeFeed(stack.apps.query.url, {}, String(BigInt(last) - 1n))).length > 0, {
        timeoutMs: 30000,
        what: 'the last posted event in the feed',
      });
      producing = false;
    })();
    await Promise.all([producer, ...sessions.map((s) => runSession(stack, s, () => !producing, random))]);

    for (const s of sessions) {
      const expected = await readWholeFeed(stack.apps.query.url, s.filter, s.from);
      expect({ client: `${s.transport} ${JSON.stringify(s.filter)}`, positions: positionsOf(s.got) }).toEqual({
        client: `${s.transport} ${JSON.stringify(s.filter)}`,
        positions: positionsOf(expected),
      });
      expect(s.got.map((i) => i.eventId)).toEqual(expected.map((i) => i.eventId));
      expect(s.connections).toBeGreaterThan(2);
    }
    const fr = sessions.find((s) => s.filter.lang === 'fr')!;
    expect(fr.got.length).toBeGreaterThan(0);
    expect(fr.got[0].headline).toMatch(/employés/);

    const metrics = await (await fetch(`${stack.apps.query.url}/metrics`)).text();
    for (const transport of ['sse', 'ws']) {
      expect(metrics).toMatch(new RegExp(`feed_delivery_lag_seconds_count\\{[^}]*transport="${transport}"[^}]*\\} [1-9]`));
      expect(metrics).toMatch(new RegExp(`feed_items_delivered_total\\{[^}]*transport="${transport}"[^}]*\\} [1-9]`));
    }
  });

  it('streams to a real client: `curl -N` shows the retry hint, then `id:` positions and item data in order', async () => {
    const expected = (await readWholeFeed(stack.apps.query.url, { types: ['executive.departed'] })).slice(0, 5);
    const curl = spawn('curl', [
      '-N',
      '-s',
      '-H',
      'Accept: text/event-stream',
      `${stack.apps.query.url}/v1/feed/stream?types=executive.departed&after=0`,
    ]);
    let out = '';
    curl.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise((resolve) => curl.once('exit', resolve));
    try {
      await untilReached(() => [...out.matchAll(/^id: (\d+)$/gm)].map((m) => ({ position: m[1] })), expected[4].position, 'curl output');
    } finally {
      curl.kill('SIGINT');
      await exited;
    }
    expect(out.startsWith('retry: ')).toBe(true);
    const ids = [...out.matchAll(/^id: (\d+)$/gm)].map((m) => m[1]);
    expect(ids.slice(0, 5)).toEqual(positionsOf(expected));
    const firstData = JSON.parse(out.match(/^data: (.*)$/m)![1]);
    expect(firstData).toMatchObject({ position: expected[0].position, eventId: expected[0].eventId, type: 'executive.departed' });
  });

  it('answers HEAD on the stream with its head and opens no subscription; a Last-Event-ID that is not a position is a 400 naming it', async () => {
    const query = stack.apps.query.url;
    const open = async () => {
      const text = await (await fetch(`${query}/metrics`)).text();
      return Number(text.match(/^feed_subscriptions_open(?:\{[^}]*\})? (\S+)$/m)?.[1] ?? NaN);
    };
    const before = await open();
    const heads = await Promise.all(Array.from({ length: 20 }, () => fetch(`${query}/v1/feed/stream?after=0`, { method: 'HEAD' })));
    for (const head of heads) {
      expect(head.status).toBe(200);
      expect(head.headers.get('content-type')).toMatch(/^text\/event-stream/);
    }
    // Give a leaked subscription the time to show; the gauge counts this instance's subscriptions. A client of an
    // earlier test may still be leaving (it can only go down), while twenty leaked ones would put it above.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await open()).toBeLessThanOrEqual(before);
    // The same checks a GET gets: a bad parameter is a 400 for HEAD too.
    expect((await fetch(`${query}/v1/feed/stream?types=nope`, { method: 'HEAD' })).status).toBe(400);
    const bad = await fetch(`${query}/v1/feed/stream?after=5`, { headers: { 'Last-Event-ID': 'abc' } });
    expect(bad.status).toBe(400);
    const problem = (await bad.json()) as { errors: Array<{ path: string }> };
    expect(problem.errors.map((e) => e.path)).toEqual(['Last-Event-ID']);
  });

  it('pushes a correction and a retraction, made through the write API, to subscribers that already received the original', async () => {
    const query = stack.apps.query.url;
    const subject = 'person:mira-murati';
    const original = await post<Recorded>(`${stack.apps.ingest.url}/v1/events`, departedEnvelope({ subject }), stack.key);
    expect(original.status).toBe(201);
    const from = String(BigInt(original.body.globalPosition) - 1n);
    const bySubject = await SseClient.connect(
      `${query}/v1/feed/stream?${filterQuery({ subjects: [subject], lang: 'fr' }, { after: from })}`,
    );
    const byType = await WsFeedClient.subscribe(`${query.replace('http', 'ws')}/v1/feed/ws`, {
      types: ['executive.departed'],
      after: from,
    });
    const byOrg = await SseClient.connect(`${query}/v1/feed/stream?${filterQuery({ organization: 'org:openai' }, { after: from })}`);
    const clients = [bySubject, byType, byOrg];
    for (const c of clients) await untilReached(() => c.items, original.body.globalPosition, 'the original');

    const corrected = await post<Recorded>(
      `${stack.apps.ingest.url}/v1/events/${original.body.id}/corrections`,
      { changes: { data: { role: 'Chief Executive Officer' } }, reason: 'the role was misreported' },
      stack.key,
    );
    expect(corrected.status).toBe(201);
    const retracted = await post<Recorded>(
      `${stack.apps.ingest.url}/v1/events/${original.body.id}/retractions`,
      { reason: 'the departure did not happen' },
      stack.key,
    );
    expect(retracted.status).toBe(201);
    for (const c of clients) {
      await untilReached(() => c.items, retracted.body.globalPosition, 'the retraction');
      const amendments = c.items.filter((i) => i.targetEventId === original.body.id);
      expect(amendments).toEqual([
        expect.objectContaining({ type: 'event.corrected', position: corrected.body.globalPosition, targetStatus: 'corrected', subject }),
        expect.objectContaining({ type: 'event.retracted', position: retracted.body.globalPosition, targetStatus: 'retracted', subject }),
      ]);
      expect(positionsOf(c.items)).toEqual([original.body.globalPosition, corrected.body.globalPosition, retracted.body.globalPosition]);
    }
    expect(bySubject.items[1].headline).toMatch(/^Correction\u00a0: /);
    const history = await readWholeFeed(query, { subjects: [subject] });
    expect(history.find((i) => i.eventId === original.body.id)?.status).toBe('retracted');
    bySubject.close();
    byType.close();
    byOrg.close();
  });

  it('lets a client resume on another query instance: each tails the same read model and positions are global', async () => {
    const other = await startApp('query', stack.env);
    try {
      const before = highest(
        (await post<BatchAnswer>(`${stack.apps.ingest.url}/v1/events`, { events: batch(30, 98) }, stack.key)).body.results,
      );
      const first = await SseClient.connect(`${stack.apps.query.url}/v1/feed/stream?after=0`);
      await untilReached(() => first.items, before, 'the first batch from the first instance');
      first.close();
      const after = highest(
        (await post<BatchAnswer>(`${stack.apps.ingest.url}/v1/events`, { events: batch(30, 99) }, stack.key)).body.results,
      );
      const resumed = await WsFeedClient.subscribe(`${other.url.replace('http', 'ws')}/v1/feed/ws`, {
        after: first.items[first.items.length - 1].position,
      });
      await untilReached(() => resumed.items, after, 'the second batch from the second instance');
      resumed.close();
      expect(resumed.items.length).toBeGreaterThanOrEqual(30);
      expect(positionsOf([...first.items, ...resumed.items])).toEqual(positionsOf(await readWholeFeed(other.url, {})));
    } finally {
      await other.stop();
    }
  });

  it('holds two thousand idle subscribers on one instance (one tail, one timer) and delivers a new item to every one of them', async () => {
    const query = stack.apps.query.url;
    const heap = async () => {
      const text = await (await fetch(`${query}/metrics`)).text();
      return Number(text.match(/^nodejs_heap_size_used_bytes(?:\{[^}]*\})? (\d+)/m)![1]);
    };
    const head = (await readWholeFeed(query, {})).slice(-1)[0]?.position ?? '0';
    const heapBefore = await heap();
    const sse: SseClient[] = [];
    const ws: WsFeedClient[] = [];
    for (let i = 0; i < 20; i++) {
      sse.push(...(await Promise.all(Array.from({ length: 50 }, () => SseClient.connect(`${query}/v1/feed/stream?after=${head}`)))));
      ws.push(
        ...(await Promise.all(
          Array.from({ length: 50 }, () => WsFeedClient.subscribe(`${query.replace('http', 'ws')}/v1/feed/ws`, { after: head })),
        )),
      );
    }
    await pollUntil(
      async () => {
        const text = await (await fetch(`${query}/metrics`)).text();
        const open = [...text.matchAll(/^feed_subscriptions_open\{[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
        return open === 2000;
      },
      { timeoutMs: 30000, what: '2000 open subscriptions' },
    );
    const perConnection = (await heap()) - heapBefore;
    process.stdout.write(`[feed] heap growth with 2000 idle subscribers: ${Math.round(perConnection / 2000)} bytes per subscriber\n`);
    expect(perConnection / 2000).toBeLessThan(64 * 1024);

    const started = Date.now();
    const created = await post<Recorded>(`${stack.apps.ingest.url}/v1/events`, departedEnvelope(), stack.key);
    const everyone = () => [...sse.map((c) => c.items), ...ws.map((c) => c.items)];
    await pollUntil(() => everyone().every((items) => items.length === 1 && items[0].eventId === created.body.id), {
      timeoutMs: 30000,
      what: 'the item at all 2000 clients',
    });
    process.stdout.write(`[feed] one item posted to 2000 subscribers in ${Date.now() - started} ms (ingest, relay, projector, fan-out)\n`);
    sse.forEach((c) => c.close());
    ws.forEach((c) => c.close());
    await pollUntil(
      async () => (await (await fetch(`${query}/metrics`)).text()).match(/^feed_subscriptions_open\{[^}]*\} 0$/gm)?.length === 2,
      {
        timeoutMs: 30000,
        what: 'every subscription freed once its client left',
      },
    );
  });
});
