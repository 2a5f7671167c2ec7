import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventToAppend, PgEventStore } from '@newsroom/event-store';
import { FeedItemsProjection, ProjectionRunner } from '@newsroom/projections';
import { createTestDatabase, eventToAppend, pollUntil, SseClient, TestDatabase, testApiKey, testKafka } from '@newsroom/testing';
import { KafkaClient, toWireEvent } from '@newsroom/messaging';
import { loadQueryConfig } from '../src/config/query.config';
import { FeedHub } from '../src/feed/feed-hub.service';
import { startQueryApp } from './support/query-app.harness';
import {
  FeedFilterParams,
  filterQuery,
  positionsOf,
  RawSseClient,
  readWholeFeed,
  untilReached,
  WsFeedClient,
} from '../../../tests/e2e/feed.client';

/**
 * The query service in process, on a fresh database, with read keys required. Events are appended with
 * PgEventStore and folded into the feed by the real ProjectionRunner (what the projector does, minus the Kafka
 * hop), so the tests can record, correct and retract at the exact moments they need.
 */
const person = (slug: string) => `person:${slug}`;
const departed = (_subject: string, organization = 'org:openai'): EventToAppend =>
  eventToAppend({ data: { organization, role: 'Chief Technology Officer', roleCategory: 'c-suite', reason: 'resigned' } });
const amendment = (type: 'event.corrected' | 'event.retracted', targetEventId: string): EventToAppend => ({
  ...departed('x'),
  type,
  occurredAt: null,
  occurredStart: null,
  occurredEnd: null,
  data:
    type === 'event.corrected'
      ? { targetEventId, changes: { data: { role: 'Chief Executive Officer' } }, reason: 'misreported role' }
      : { targetEventId, reason: 'never happened' },
  sources: [],
});

describe('Live feed over SSE and WebSocket (query service in process, real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PgEventStore;
  let kafka: KafkaClient;
  let runner: ProjectionRunner;
  let app: INestApplication;
  let url: string;
  let offset = 0;
  const readKey = testApiKey();
  const auth = { authorization: `Bearer ${readKey}` };
  const wsUrl = () => `${url.replace('http', 'ws')}/v1/feed/ws?key=${readKey}`;

  /** Records events in one stream and folds every new event into the feed, as the projector would. */
  const record = async (subject: string, events: EventToAppend[]) => {
    const appended = await store.append({ streamId: subject, expectedVersion: 'any', events });
    await project();
    return appended;
  };
  let projected = '0';
  let projecting: Promise<void> = Promise.resolve();
  const project = () =>
    (projecting = projecting.then(async () => {
      const events = await store.readAll(projected, 1000);
      if (!events.length) return;
      const messages = events.map((e) => ({
        topic: 'feed-int',
        partition: 0,
        offset: String(offset++),
        key: e.streamId,
        headers: {},
        value: Buffer.from(JSON.stringify(toWireEvent(e))),
      }));
      await runner.handleBatch({ topic: 'feed-int', partition: 0, messages });
      projected = events[events.length - 1].globalPosition;
    }));

  beforeAll(async () => {
    db = await createTestDatabase('feed-stream');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    store = new PgEventStore(db.pool);
    kafka = testKafka('feed-int');
    runner = new ProjectionRunner(ds, [new FeedItemsProjection()], kafka, { dlqTopic: 'feed-int-dlq-unused', maxAttempts: 1 });
    const config = loadQueryConfig({
      ...process.env,
      DATABASE_URL: db.url,
      NEWSROOM_API_KEYS: `${readKey}:read`,
      NEWSROOM_REQUIRE_READ_KEY: 'true',
      FEED_POLL_MS: '50',
      FEED_HEARTBEAT_MS: '300',
      LOG_LEVEL: process.env.TEST_LOG ? 'info' : 'silent',
    });
    ({ app, url } = await startQueryApp(config));
  });

  afterAll(async () => {
    await app?.close();
    await kafka?.close();
    await ds?.destroy();
    await db?.drop();
  });

  it('needs a read key on both transports when reads need one: 401 problem without, `?key=` accepted (EventSource cannot send headers)', async () => {
    const none = await fetch(`${url}/v1/feed/stream`);
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const wrong = await fetch(`${url}/v1/feed/stream?key=not-a-key-at-all-000`);
    expect(wrong.status).toBe(401);
    const refused = new WsFeedClient(`${url.replace('http', 'ws')}/v1/feed/ws`);
    await expect(refused.waitOpen()).rejects.toThrow(/401/);

    const [first] = await record(person('keyed'), [departed(person('keyed'))]);
    const sse = await SseClient.connect(`${url}/v1/feed/stream?key=${readKey}&subjects=person:keyed`);
    const ws = await WsFeedClient.subscribe(wsUrl(), { subjects: ['person:keyed'] });
    const viaHeader = await SseClient.connect(`${url}/v1/feed/stream?subjects=person:keyed`, auth);
    for (const client of [sse, ws, viaHeader]) await untilReached(() => client.items, first.globalPosition, 'the keyed item');
    sse.close();
    ws.close();
    viaHeader.close();
  });

  it('answers a bad subscribe message with an error frame carrying the problem, then closes with 1008', async () => {
    const ws = await WsFeedClient.subscribe(wsUrl(), { types: ['no.such.type'], after: 'yesterday' });
    expect(await ws.closedPromise).toBe(1008);
    expect(ws.closeFrame).toMatchObject({ type: 'error', problem: { status: 400, code: 'REQUEST.INVALID' } });
    expect(ws.closeFrame?.problem?.errors?.map((e: { path: string }) => e.path)).toEqual(['after', 'types[0]']);
    const garbage = await WsFeedClient.subscribe(wsUrl(), 'not json');
    expect(await garbage.closedPromise).toBe(1008);
    expect(garbage.closeFrame?.problem?.code).toBe('REQUEST.MALFORMED_JSON');
    // A name given twice: refused, as an HTTP body is (the last value used to win silently).
    const twice = await WsFeedClient.subscribe(wsUrl(), '{"after":"0","after":"5"}');
    expect(await twice.closedPromise).toBe(1008);
    expect(twice.closeFrame?.problem).toMatchObject({ code: 'REQUEST.MALFORMED_JSON', errors: [{ path: 'after' }] });
  });

  it('delivers a correction and a retraction to subscribers that already showed the original, naming the target and its new status, through subject and type filters', async () => {
    const subject = person('mira-murati');
    const [original] = await record(subject, [departed(subject)]);
    const bySubject = await SseClient.connect(`${url}/v1/feed/stream?key=${readKey}&subjects=${subject}&lang=fr`);
    const byType = await WsFeedClient.subscribe(wsUrl(), {
      types: ['executive.departed'],
      after: String(BigInt(original.globalPosition) - 1n),
    });
    for (const c of [bySubject, byType]) await untilReached(() => c.items, original.globalPosition, 'the original');

    const [correction] = await record(subject, [amendment('event.corrected', original.eventId)]);
    const [retraction] = await record(subject, [amendment('event.retracted', original.eventId)]);
    for (const c of [bySubject, byType]) {
      await untilReached(() => c.items, retraction.globalPosition, 'the retraction');
      const amendments = c.items.filter((i) => i.targetEventId === original.eventId);
      expect(amendments).toEqual([
        expect.objectContaining({
          eventId: correction.eventId,
          type: 'event.corrected',
          targetEventId: original.eventId,
          targetStatus: 'corrected',
        }),
        expect.objectContaining({
          eventId: retraction.eventId,
          type: 'event.retracted',
          targetEventId: original.eventId,
          targetStatus: 'retracted',
        }),
      ]);
    }
    expect(bySubject.items.find((i) => i.eventId === correction.eventId)?.headline).toMatch(/^Correction\u00a0: /);
    // The history agrees with the stream, and shows the original with the status it ended with.
    const history = await readWholeFeed(url, { types: ['executive.departed'] }, '0', auth);
    expect(history.find((i) => i.eventId === original.eventId)?.status).toBe('retracted');
    expect(positionsOf(history).slice(-3)).toEqual([original.globalPosition, correction.globalPosition, retraction.globalPosition]);
    bySubject.close();
    byType.close();
  });

  it('hands over from history to live with no gap and no duplicate while events are recorded at full speed, for fast and for stalling readers', async () => {
    // Latency injected between each history read and its use (the real query still runs): on loopback the
    // handover window is a millisecond wide; here it is wide enough for live items to land in it every time.
    const repository = app.get(FeedHub).repository;
    const read = repository.page.bind(repository);
    repository.page = async (...args) => {
      const page = await read(...args);
      await new Promise((r) => setTimeout(r, 40));
      return page;
    };
    // A history of a couple of megabytes, and readers that pause while it streams.
    for (let k = 0; k < 8; k++)
      await record(
        person('bulk'),
        Array.from({ length: 500 }, () => departed(person('bulk'))),
      );
    const filters = [
      {},
      { types: ['executive.departed'] },
      { organization: 'org:anthropic' },
      { subjects: [person('s-1'), person('s-2')] },
    ];
    const recorded: string[] = [(await readWholeFeed(url, {}, '0', auth)).slice(-1)[0].position];
    const clients: Array<{ filter: FeedFilterParams; after: string; items: () => Array<{ position: string }>; close: () => void }> = [];
    let recording = true;
    const writer = (async () => {
      // At least ten more rounds once the last subscriber is in (every subject and both organizations again), so
      // each one, whatever its filter and start, has items after it: it used to be none when the subscribers took
      // longer to join than the writer's 60 rounds.
      let extra = 0;
      for (let i = 0; recording || i < 60 || extra++ < 10; i++) {
        const subject = person(`s-${i % 5}`);
        const appended = await record(subject, [departed(subject, i % 3 ? 'org:openai' : 'org:anthropic'), departed(subject)]);
        recorded.push(...appended.map((a) => a.globalPosition));
      }
    })();
    // Stalling readers: from the start of the feed, reading nothing for a while, then everything.
    const stalled = await Promise.all([
      RawSseClient.connect(`${url}/v1/feed/stream?key=${readKey}`),
      RawSseClient.connect(`${url}/v1/feed/stream?key=${readKey}&types=executive.departed`),
    ]);
    stalled.forEach((c) => c.pause());
    clients.push({ filter: {}, after: '0', items: () => stalled[0].items, close: () => stalled[0].close() });
    clients.push({ filter: filters[1], after: '0', items: () => stalled[1].items, close: () => stalled[1].close() });
    // Fast subscribers arrive while the writer runs: each starts somewhere in the history being written.
    for (let n = 0; n < 16; n++) {
      await new Promise((r) => setTimeout(r, 15 + (n % 4) * 20));
      const filter = filters[n % filters.length];
      const after = recorded[Math.max(0, recorded.length - 1 - (n % 7) * 3)];
      if (n % 2) {
        const ws = await WsFeedClient.subscribe(wsUrl(), { ...filter, after });
        clients.push({ filter, after, items: () => ws.items, close: () => ws.close() });
      } else {
        const sse = await SseClient.connect(`${url}/v1/feed/stream?${filterQuery(filter, { after, key: readKey })}`);
        clients.push({ filter, after, items: () => sse.items, close: () => sse.close() });
      }
    }
    stalled.forEach((c) => c.resume());
    recording = false;
    await writer;
    for (const c of clients) {
      const expected = await readWholeFeed(url, c.filter, c.after, auth);
      expect(expected.length).toBeGreaterThan(0);
      await untilReached(c.items, expected[expected.length - 1].position, `client ${JSON.stringify(c.filter)} after ${c.after}`);
      expect(positionsOf(c.items())).toEqual(positionsOf(expected));
      c.close();
    }
    repository.page = read;
  }, 120000);

  it('restarts a WebSocket subscription from a new `after` on the same socket, and terminates sockets that stop answering pings', async () => {
    const subject = person('resub');
    const appended = await record(subject, [departed(subject), departed(subject), departed(subject)]);
    const ws = await WsFeedClient.subscribe(wsUrl(), { subjects: [subject] });
    await untilReached(() => ws.items, appended[2].globalPosition, 'three items');
    ws.send({ subjects: [subject], after: appended[0].globalPosition });
    await pollUntil(() => ws.items.length === 5, { what: 'the two items after the new position' });
    expect(positionsOf(ws.items.slice(3))).toEqual([appended[1].globalPosition, appended[2].globalPosition]);
    expect(ws.frames.filter((f) => f.type === 'subscribed')).toHaveLength(2);

    // A client that no longer answers pings, as a dead peer would not, is cut off.
    const mute = await WsFeedClient.subscribe(wsUrl(), { subjects: [subject] }, {}, { autoPong: false });
    expect(await mute.closedPromise).toBe(1006);
    ws.close();
  });

  it('shows open subscriptions, items delivered, drops and delivery lag on /metrics', async () => {
    const sse = await SseClient.connect(`${url}/v1/feed/stream?key=${readKey}`);
    await pollUntil(() => sse.items.length > 0, { what: 'history' });
    // Read keys are required here, and /metrics is behind the read key then.
    const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${readKey}` } })).text();
    expect(text).toMatch(/feed_subscriptions_open\{[^}]*transport="sse"[^}]*\} [1-9]/);
    expect(text).toMatch(/feed_items_delivered_total\{[^}]*transport="ws"[^}]*\} [1-9]/);
    expect(text).toMatch(/feed_subscribers_dropped_total\{[^}]*reason="FEED.SLOW_CONSUMER"[^}]*\} \d/);
    expect(text).toMatch(/feed_delivery_lag_seconds_count\{[^}]*transport="sse"[^}]*\} [1-9]/);
    expect(text).toMatch(/feed_queue_peak_items/);
    sse.close();
  });
});
