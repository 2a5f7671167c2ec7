import type { Socket } from 'node:net';
import { departedEnvelope, pollUntil, SseClient } from '@newsroom/testing';
import { positionsOf, RawSseClient, readWholeFeed, untilReached, WsFeedClient } from './feed.client';
import { post, startStack, TestStack } from './stack.harness';

/** ws keeps a connection's socket in `_socket`, outside its types: pausing that socket stalls the client at the TCP level. */
type WebSocketWithSocket = WsFeedClient['ws'] & { _socket: Socket };

const BOUND = 50;

const metricValue = (text: string, name: string, labels = ''): number => {
  const line = text.split('\n').find((l) => l.startsWith(name) && l.includes(labels) && !l.startsWith('#'));
  return line ? Number(line.split(' ').pop()) : NaN;
};

describe('live feed end to end: a client that stops reading is dropped at the bound, the others are unaffected', () => {
  let stack: TestStack;

  beforeAll(async () => {
    // A small bound, and heartbeats rare enough that WebSocket pings do not end the stalled socket first.
    stack = await startStack('feed-slow', { FEED_MAX_BUFFERED_ITEMS: String(BOUND), FEED_HEARTBEAT_MS: '30000' });
  });
  afterAll(() => stack?.stop());

  it('drops the stalled SSE and WebSocket clients with FEED.SLOW_CONSUMER, keeps server-side queues within the bound, and delivers everything to the others', async () => {
    const query = stack.apps.query.url;
    const wsUrl = `${query.replace('http', 'ws')}/v1/feed/ws`;
    const slowSse = await RawSseClient.connect(`${query}/v1/feed/stream?after=0`);
    expect(slowSse.status).toBe(200);
    slowSse.pause();
    const slowWs = await WsFeedClient.subscribe(wsUrl, { after: '0' });
    (slowWs.ws as WebSocketWithSocket)._socket.pause();
    const fastSse = await SseClient.connect(`${query}/v1/feed/stream?after=0`);
    const fastWs = await WsFeedClient.subscribe(wsUrl, { after: '0', types: ['executive.departed'] });

    // Ingest steadily until both stalled clients have been dropped (their sockets fill up first).
    let batches = 0;
    let metrics = '';
    while (!(metricValue(metrics, 'feed_subscribers_dropped_total', 'reason="FEED.SLOW_CONSUMER"') >= 2)) {
      if (batches >= 400)
        throw new Error(
          `no drop after ${batches} batches: ${metrics
            .split('\n')
            .filter((l) => l.startsWith('feed_'))
            .join('\n')}`,
        );
      const res = await post(
        `${stack.apps.ingest.url}/v1/events`,
        { events: Array.from({ length: 50 }, () => departedEnvelope()) },
        stack.key,
      );
      expect(res.status).toBe(200);
      batches++;
      metrics = await (await fetch(`${query}/metrics`)).text();
    }
    // The stalled clients read again at once: the server destroys a dropped client's socket 10 s after its closing
    // words if they are not taken (sse.sink.ts), and a whole-suite CI run, waiting for the fast clients first, lost them.
    slowSse.resume();
    (slowWs.ws as WebSocketWithSocket)._socket.resume();
    await pollUntil(() => slowSse.ended, { timeoutMs: 20000, what: 'the slow SSE stream to end' });
    expect(await slowWs.closedPromise).toBe(4000);

    // The bound held: no subscriber ever had more than BOUND items waiting on the server.
    expect(metricValue(metrics, 'feed_queue_peak_items')).toBeLessThanOrEqual(BOUND);

    // The fast clients got the whole feed, in order, once each.
    const all = await pollUntil(
      async () => {
        const items = await readWholeFeed(query, {});
        return items.length === batches * 50 ? items : null;
      },
      { timeoutMs: 60000, what: 'every posted event in the feed' },
    );
    await untilReached(() => fastSse.items, all[all.length - 1].position, 'fast SSE client');
    await untilReached(() => fastWs.items, all[all.length - 1].position, 'fast WebSocket client');
    expect(positionsOf(fastSse.items)).toEqual(positionsOf(all));
    expect(positionsOf(fastWs.items)).toEqual(positionsOf(all.filter((i) => i.type === 'executive.departed')));
    expect(fastSse.closed).toBe(false);
    expect(fastWs.closeCode).toBeNull();

    // The stalled clients, reading again, found a gapless prefix and then the reason they were dropped.
    expect(slowSse.closeEvent).toMatchObject({ code: 'FEED.SLOW_CONSUMER' });
    expect(slowWs.closeFrame).toMatchObject({ type: 'close', code: 'FEED.SLOW_CONSUMER' });
    for (const slow of [slowSse.items, slowWs.items]) {
      expect(slow.length).toBeGreaterThan(0);
      expect(slow.length).toBeLessThan(all.length);
      expect(positionsOf(slow)).toEqual(positionsOf(all.slice(0, slow.length)));
    }
    // Their subscriptions are gone; the two fast ones remain.
    const after = await (await fetch(`${query}/metrics`)).text();
    expect(
      metricValue(after, 'feed_subscriptions_open', 'transport="sse"') + metricValue(after, 'feed_subscriptions_open', 'transport="ws"'),
    ).toBe(2);

    // A dropped client resumes from its last position and completes the sequence.
    const resumed = await SseClient.connect(`${query}/v1/feed/stream`, {
      'last-event-id': slowSse.items[slowSse.items.length - 1].position,
    });
    await untilReached(() => resumed.items, all[all.length - 1].position, 'the resumed client');
    expect(positionsOf([...slowSse.items, ...resumed.items])).toEqual(positionsOf(all));
    for (const c of [fastSse, fastWs, resumed]) c.close();
  });
});
