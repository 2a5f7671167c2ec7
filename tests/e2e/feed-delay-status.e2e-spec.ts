import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CHROMIUM_PATH,
  expectPageText,
  HeadlessChromium,
  launchChromium,
  loadEnvelope,
  pollUntil,
  SseClient,
  SseFrame,
} from '@newsroom/testing';
import { OwnBroker, ownBroker } from '../../libs/messaging/test/own-broker.harness';
import { WsFeedClient } from './feed.client';
import { newsroomCli } from './newsroom-cli.harness';
import { post, startStack, TestStack } from './stack.harness';

/** The `event: status` frame of the SSE stream (README, live feed). */
interface Status {
  delayed: boolean;
  since: string;
  reason?: string;
}

const statuses = (frames: SseFrame[]): Status[] => frames.filter((f) => f.event === 'status').map((f) => JSON.parse(f.data) as Status);

/**
 * t32: with the broker stopped, events POSTed to ingest are answered 201 and reach the feed once the broker is back,
 * but a live reader could not tell "nothing happened" from "the pipeline is stalled". The stream now says so: an
 * `event: status` frame with `delayed: true` once an event recorded FEED_DELAYED_AFTER_MS (5 s) ago is not in the
 * feed, and `delayed: false` once it has caught up; a new subscriber gets the current status at once. Every item
 * still arrives exactly once, in order. The dashboard's badge says "Live — items delayed" meanwhile (in French too),
 * where Chromium is installed. The stack runs on a broker of this test's own (loopback, free ports).
 */
describe('the live feed says when items are delayed (own broker stopped and started)', () => {
  let own: OwnBroker;
  let stack: TestStack;
  const clients: SseClient[] = [];
  let browser: HeadlessChromium | null = null;
  let socket: WsFeedClient | null = null;

  beforeAll(async () => {
    own = await ownBroker('feed-delay');
    await own.start();
    stack = await startStack('feed_delay', {}, { brokers: own.brokers });
  }, 240000);

  afterAll(async () => {
    for (const client of clients) client.close();
    socket?.close();
    await browser?.close().catch(() => undefined);
    await Promise.race([stack?.stop(), new Promise((r) => setTimeout(r, 60000).unref())]).catch(() => undefined);
    await own?.remove().catch(() => undefined);
  }, 120000);

  const write = async (n: number): Promise<string> => {
    const answer = await post<{ id: string }>(`${stack.apps.ingest.url}/v1/events`, loadEnvelope(n, 'feed-delay'), stack.key);
    expect(answer.status).toBe(201);
    return answer.body.id;
  };
  const connect = async (status = true): Promise<SseClient> => {
    const client = await SseClient.connect(`${stack.apps.query.url}/v1/feed/stream?after=0${status ? '&status=true' : ''}`);
    expect(client.status).toBe(200);
    clients.push(client);
    return client;
  };

  const dashboardBadge = async () => {
    browser = await launchChromium();
    const page = await browser.context.newPage();
    await page.goto(`${stack.apps.query.url}/`);
    return { page, badge: page.getByTestId('connection') };
  };

  it('sends delayed: true within a bound after the broker stops, delayed: false once caught up, and every item once', async () => {
    const reader = await connect();
    // A reader that did not ask (no `status=true`) gets items only, whatever happens: a client reading every `data:`
    // line as an item is never handed another frame.
    const plain = await connect(false);
    // A new subscriber is told the current status at once: not delayed.
    await pollUntil(() => statuses(reader.frames).length === 1, { timeoutMs: 5000, intervalMs: 50, what: 'the first status' });
    expect(reader.frames[0].event).toBe('status');
    expect(statuses(reader.frames)).toEqual([{ delayed: false, since: expect.any(String) }]);

    // Over WebSocket: `{"type":"status",...}` after `subscribed`, and on each change.
    socket = await WsFeedClient.subscribe(`${stack.apps.query.url.replace('http', 'ws')}/v1/feed/ws`, { after: '0' });
    const wsStatuses = () => socket!.frames.filter((f) => (f.type as string) === 'status') as unknown as Array<Status & { type: string }>;
    await pollUntil(() => wsStatuses().length === 1, { timeoutMs: 5000, intervalMs: 50, what: 'the first WebSocket status' });
    expect(socket.frames.slice(0, 2).map((f) => f.type)).toEqual(['subscribed', 'status']);
    expect(wsStatuses()).toEqual([{ type: 'status', delayed: false, since: expect.any(String) }]);

    const ids: string[] = [];
    for (let n = 0; n < 3; n++) ids.push(await write(n));
    await pollUntil(() => reader.items.length === 3, { timeoutMs: 60000, what: 'the items written with the broker up' });

    // `newsroom tail` says it on stderr, once a change.
    const cwd = mkdtempSync(join(tmpdir(), 'feed-delay-tail-'));
    const tail = newsroomCli(['tail', '--from', '0', '--count', '8', '--state', join(cwd, 'position')], {
      env: { NEWSROOM_QUERY_URL: stack.apps.query.url },
      cwd,
      timeoutMs: 200000,
    });

    await own.kill();
    const firstLate = Date.now();
    for (let n = 3; n < 8; n++) ids.push(await write(n));
    await pollUntil(() => statuses(reader.frames).length === 2, { timeoutMs: 30000, intervalMs: 100, what: 'delayed: true' });
    const toldAfterMs = Date.now() - firstLate;
    const delayed = statuses(reader.frames)[1];
    expect(delayed).toMatchObject({ delayed: true, reason: expect.stringContaining('broker') });
    // `since` is when the oldest waiting event was recorded: the first write of the outage.
    expect(Math.abs(Date.parse(delayed.since) - firstLate)).toBeLessThan(5000);
    // The default threshold is 5 s, checked every FEED_POLL_MS (200 ms here): told within 5-10 s.
    expect(toldAfterMs).toBeGreaterThanOrEqual(4000); // not before the threshold (the upper bound is the wait above)
    expect(reader.items).toHaveLength(3);

    // A reader connecting now is told at once that the feed is behind, before any item.
    const late = await connect();
    await pollUntil(() => late.frames.length > 0, { timeoutMs: 5000, intervalMs: 50, what: "the new reader's first frame" });
    expect(late.frames[0].event).toBe('status');
    expect(JSON.parse(late.frames[0].data)).toMatchObject({ delayed: true, since: delayed.since });

    // The dashboard's badge, in both languages (its page opens its own stream, told the status at once).
    const connection = existsSync(CHROMIUM_PATH) ? await dashboardBadge() : null;
    if (connection) {
      await expectPageText(connection.badge, /^Live — items delayed$/);
      await connection.page.getByLabel('Language / Langue').selectOption('fr');
      await expectPageText(connection.badge, /^En direct — éléments retardés$/);
    } else process.stderr.write(`[feed-delay-status e2e] no Chromium at ${CHROMIUM_PATH}: the badge is not checked\n`);

    await own.start();
    const back = Date.now();
    await pollUntil(() => statuses(reader.frames).length === 3, { timeoutMs: 180000, intervalMs: 200, what: 'delayed: false' });
    const recoveredAfterMs = Date.now() - back;
    expect(statuses(reader.frames)[2]).toEqual({ delayed: false, since: expect.any(String) });

    // Every item once, in order, and all of them before the stream said it had caught up.
    const itemFrames = (client: SseClient) => client.items.map((i) => i.eventId);
    expect(itemFrames(reader)).toEqual(ids);
    const caughtUpAt = reader.frames.findIndex(
      (f) => f.event === 'status' && (JSON.parse(f.data) as Status).delayed === false && f !== reader.frames[0],
    );
    const lastItemAt = reader.frames.map((f) => !f.event).lastIndexOf(true);
    expect(lastItemAt).toBeLessThan(caughtUpAt);
    await pollUntil(() => late.items.length === ids.length && statuses(late.frames).length === 2, {
      timeoutMs: 30000,
      what: 'the late reader caught up',
    });
    expect(itemFrames(late)).toEqual(ids);
    expect(statuses(late.frames).map((s) => s.delayed)).toEqual([true, false]);
    // The reader that did not ask: every item once, and no other frame.
    await pollUntil(() => plain.items.length === ids.length, { timeoutMs: 30000, what: 'the plain reader caught up' });
    expect(itemFrames(plain)).toEqual(ids);
    expect(plain.frames.filter((f) => f.event)).toEqual([]);
    await pollUntil(() => wsStatuses().length === 3 && socket!.items.length === ids.length, {
      timeoutMs: 30000,
      what: 'the socket caught up',
    });
    expect(wsStatuses().map((s) => s.delayed)).toEqual([false, true, false]);
    expect(socket.items.map((i) => i.eventId)).toEqual(ids);
    if (connection) await expectPageText(connection.badge, /^En direct$/);
    const tailed = await tail;
    rmSync(cwd, { recursive: true, force: true });
    expect([tailed.code, tailed.out.trim().split('\n')]).toEqual([0, expect.any(Array)]);
    expect(tailed.out.trim().split('\n')).toHaveLength(8);
    expect(tailed.err).toMatch(/^tail: items are delayed: events recorded since \S+ are not in the feed yet; they will follow in order$/m);
    process.stdout.write(
      `[feed-delay-status e2e] delayed: true ${toldAfterMs} ms after the first write with the broker down; delayed: false ${recoveredAfterMs} ms after the broker was started again\n`,
    );
  }, 300000);
});
