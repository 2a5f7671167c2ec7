import { WebSocket } from 'ws';
import { FeedRow } from './feed.repository';
import { feedItemJson } from './feed-item.serializer';
import { EndReason, FeedSink } from './feed-subscription.service';

/** WebSocket close codes for the reasons the server ends a feed subscription (4000+ are ours). */
export const WS_CLOSE_CODES: Record<string, number> = {
  'FEED.SLOW_CONSUMER': 4000,
  'FEED.STALLED': 4001,
  'FEED.TOO_MANY_SUBSCRIBERS': 1013, // try again later
  'FEED.TOO_MANY_CONNECTIONS': 1013,
  'FEED.UNAVAILABLE': 1011,
  'FEED.SHUTTING_DOWN': 1001, // going away
  'REQUEST.INVALID': 1008, // policy violation
  'FEED.SUBSCRIBE_EXPECTED': 1008,
};

/**
 * Writes feed items as `{"type":"item","position","item"}` text frames. Back-pressure: `bufferedAmount` (bytes
 * ws has not yet handed to the kernel) above the high-water mark makes `write` answer false, and `drained`
 * waits for the send callbacks to bring it back down.
 */
export class WsSink implements FeedSink {
  private readonly waiters: Array<() => void> = [];
  private done = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly lang: 'en' | 'fr',
    private readonly highWaterBytes: number,
  ) {}

  write(item: FeedRow): boolean {
    if (this.done || this.ws.readyState !== WebSocket.OPEN) return true;
    this.ws.send(`{"type":"item","position":"${item.position}","item":${feedItemJson(item, this.lang)}}`, this.sent);
    return this.ws.bufferedAmount < this.highWaterBytes;
  }

  /** Liveness is ws ping/pong, run by the gateway for every socket on the hub's tick. */
  heartbeat(): void {}

  close(reason: EndReason): void {
    if (this.done) return;
    this.done = true;
    if (this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify({ type: 'close', ...reason }));
      // ws destroys the socket itself if the client does not answer the close frame in time.
      this.ws.close(WS_CLOSE_CODES[reason.code] ?? 4000, reason.code);
    }
    this.release();
  }

  /** The socket closed or this sink was replaced by a new subscribe: release any writer waiting. */
  gone(): void {
    this.done = true;
    this.release();
  }

  drained(): Promise<void> {
    if (this.done || this.ws.readyState !== WebSocket.OPEN || this.ws.bufferedAmount < this.highWaterBytes) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private readonly sent = (): void => {
    if (this.waiters.length && (this.ws.readyState !== WebSocket.OPEN || this.ws.bufferedAmount < this.highWaterBytes)) this.release();
  };

  private release(): void {
    while (this.waiters.length) this.waiters.pop()!();
  }
}
