import type { RawData, WebSocket } from 'ws';
import { duplicateKeyPath, ProblemError, problems } from '@newsroom/platform';
import { FeedHub } from './feed-hub.service';
import { FeedQuery, parseFeedQuery } from './feed-query.reader';
import { FEED_WS_FIELDS } from './feed.schema';
import { FeedSubscription } from './feed-subscription.service';
import { WS_CLOSE_CODES, WsSink } from './ws.sink';
import type { FeedStatus } from './feed-status.service';

export const WS_PATH = '/v1/feed/ws';

/**
 * One WebSocket client. It sends `{"after","types","subjects","organization","lang"}` to subscribe (again, with
 * a new `after`, to restart from there); a message that does not parse gets an error frame with the problem and
 * the socket is closed with 1008. Liveness: the gateway calls `tick` on the hub's timer and pings; a socket whose
 * ping stays unanswered through two more ticks is terminated, so dead peers are freed within three heartbeat
 * intervals. A peer is judged on what it had time to answer: after the event loop itself stalled (a timer runs
 * before the loop reads its sockets, so a late tick would find the pong unread), the verdict waits until the
 * sockets have been read (setImmediate), and one missed tick is forgiven. A socket
 * that has not subscribed within FEED_WS_SUBSCRIBE_TIMEOUT_MS is closed (FEED.SUBSCRIBE_EXPECTED).
 *
 * One history read per socket at a time: a subscribe that arrives while the previous subscription is still
 * reading history (catching up) stops the old one from sending at once, and waits for its read to end before
 * starting; only the newest waiting subscribe is kept (each one replaces the whole subscription, so the ones in
 * between would be superseded anyway). A client that re-subscribes in a loop therefore costs one database read
 * at a time, not one per message, and is not refused: its last word wins, acknowledged by `subscribed`.
 */
export class FeedWsConnection {
  private subscription: FeedSubscription | null = null;
  private sink: WsSink | null = null;
  private alive = true;
  /** Ticks that found the last ping unanswered. */
  private missed = 0;
  /** The subscribe waiting for the current history read to end (the newest one only). */
  private pending: FeedQuery | null = null;
  private reading = false;
  private closed = false;
  private subscribeTimer: NodeJS.Timeout | null;

  constructor(
    private readonly ws: WebSocket,
    private readonly hub: FeedHub,
    private readonly highWaterBytes: number,
    subscribeTimeoutMs: number,
    onClosed: (connection: FeedWsConnection) => void,
    /** The feed's status, sent after each `subscribed` and on each change (null in unit tests of the socket alone). */
    private readonly status: FeedStatus | null = null,
  ) {
    this.subscribeTimer = setTimeout(
      () =>
        this.reject(
          new ProblemError(
            400,
            'FEED.SUBSCRIBE_EXPECTED',
            'Subscribe expected',
            `send a subscribe message within ${subscribeTimeoutMs} ms of connecting`,
          ),
        ),
      subscribeTimeoutMs,
    );
    this.subscribeTimer.unref();
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('pong', () => (this.alive = true));
    ws.on('error', () => undefined); // 'close' follows and frees everything
    ws.on('close', () => {
      this.closed = true;
      this.pending = null;
      this.clearSubscribeTimer();
      this.release();
      onClosed(this);
    });
  }

  tick(): void {
    // A socket whose subscription waits for it to drain has our ping queued behind its backlog: the stall
    // timeout (with a close reason) judges it instead.
    if (this.subscription?.isBlocked) return;
    if (this.alive) {
      this.alive = false;
      this.missed = 0;
      this.ws.ping();
      return;
    }
    // Unanswered since the last tick. Terminate on the second miss, and only once the sockets have been read: a
    // tick that fires late because this process stalled must not condemn a pong that is waiting to be read.
    if (++this.missed < 2) return;
    setImmediate(() => {
      if (!this.alive && !this.closed) this.ws.terminate();
    });
  }

  shutdown(): void {
    if (this.subscription) return; // the hub ends subscribed sockets with FEED.SHUTTING_DOWN
    this.ws.close(1001, 'FEED.SHUTTING_DOWN');
  }

  terminate(): void {
    this.ws.terminate();
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    let query;
    try {
      if (isBinary) throw problems.validation([{ path: '', message: 'send the subscribe message as a text frame' }]);
      let raw: unknown;
      const text = rawDataText(data);
      try {
        raw = JSON.parse(text);
      } catch {
        throw problems.malformedJson('the subscribe message is not JSON');
      }
      // A name given twice ({"after":"0","after":"5"}): refused as HTTP bodies and Kafka submissions refuse it.
      const repeated = duplicateKeyPath(text, raw);
      if (repeated !== null) throw problems.duplicateKey(repeated);
      if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw problems.validation([{ path: '', message: 'must be an object' }]);
      const message = raw as Record<string, unknown>;
      if (message.type !== undefined && message.type !== 'subscribe') {
        throw problems.validation([{ path: 'type', message: 'must be "subscribe" (or absent)' }]);
      }
      query = parseFeedQuery(message, FEED_WS_FIELDS);
    } catch (error) {
      return this.reject(error instanceof ProblemError ? error : problems.validation([{ path: '', message: String(error) }]));
    }
    this.clearSubscribeTimer();
    this.release(); // the previous subscription sends nothing more from here on
    this.pending = query;
    if (!this.reading) this.startPending();
  }

  private startPending(): void {
    const query = this.pending;
    this.pending = null;
    if (!query || this.closed) return;
    this.sink = new WsSink(this.ws, query.lang, this.highWaterBytes);
    this.ws.send(JSON.stringify({ type: 'subscribed', after: query.after }));
    this.status?.follow(this.sink);
    const subscription = this.hub.subscribe(query, query.after, this.sink, 'ws');
    this.subscription = subscription;
    if (!subscription) return;
    this.reading = true;
    void subscription.catchUp.finally(() => {
      this.reading = false;
      this.startPending();
    });
  }

  private clearSubscribeTimer(): void {
    if (this.subscribeTimer) clearTimeout(this.subscribeTimer);
    this.subscribeTimer = null;
  }

  private reject(problem: ProblemError): void {
    this.clearSubscribeTimer();
    this.pending = null;
    this.release();
    this.ws.send(JSON.stringify({ type: 'error', problem: problem.toBody(WS_PATH) }));
    this.ws.close(WS_CLOSE_CODES[problem.code] ?? 1008, problem.code.slice(0, 120));
  }

  private release(): void {
    if (this.sink) this.status?.unfollow(this.sink);
    this.sink?.gone();
    if (this.subscription) this.hub.unsubscribe(this.subscription);
    this.subscription = null;
    this.sink = null;
  }
}

/** A ws text frame's bytes as text (one Buffer, fragments, or an ArrayBuffer, as the ws library hands them). */
function rawDataText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString('utf8');
}
