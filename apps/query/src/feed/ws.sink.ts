import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import { FeedRow } from './feed.repository';
import { FeedBurst, Lang, wsMessage } from './feed-burst.builder';
import { EndReason, FeedSink } from './feed-subscription.service';
import type { StatusFrames } from './feed-status.service';

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

const TEXT = { binary: false };

/**
 * Writes feed items as `{"type":"item","position","item"}` text frames, one message per item (the protocol), the
 * messages of one write corked into one socket write. Back-pressure: `bufferedAmount` (bytes ws has not yet
 * handed to the kernel) at the high-water mark makes the sink `full`, and `drained` waits for the send
 * callbacks to bring it back down.
 */
export class WsSink implements FeedSink {
  private waiters: Array<() => void> | null = null;
  private done = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly lang: Lang,
    private readonly highWaterBytes: number,
  ) {}

  write(items: readonly FeedRow[], from: number): number {
    if (!this.open) return items.length;
    let room = this.highWaterBytes - this.ws.bufferedAmount;
    let next = from;
    this.cork(() => {
      do {
        const message = wsMessage(items[next++], this.lang);
        room -= message.length;
        // Only the last message of the write needs its callback: it is flushed after the others.
        this.ws.send(message, next < items.length && room > 0 ? undefined : this.sent);
      } while (next < items.length && room > 0);
    });
    return next;
  }

  writeBurst(burst: FeedBurst, from: number): void {
    if (!this.open) return;
    // Buffers shared by every member of the group; ws frames them as text without copying.
    const messages = burst.wsMessages();
    this.cork(() => {
      for (let i = from; i < messages.length; i++) this.ws.send(messages[i], TEXT, i === messages.length - 1 ? this.sent : undefined);
    });
  }

  get full(): boolean {
    return this.open && this.ws.bufferedAmount >= this.highWaterBytes;
  }

  /** A status message (`{"type":"status",...}`, FeedStatus): a few bytes on a change, sent even past the mark. */
  status(frames: StatusFrames): void {
    if (!this.done && this.ws.readyState === WebSocket.OPEN) this.ws.send(frames.ws);
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
    if (!this.full) return Promise.resolve();
    return new Promise((resolve) => (this.waiters ??= []).push(resolve));
  }

  private get open(): boolean {
    return !this.done && this.ws.readyState === WebSocket.OPEN;
  }

  /**
   * Runs the sends with the socket corked, so the frames of one write leave in one writev. ws exposes no cork of
   * its own; its socket is `_socket` (ws corks it around each frame itself, and corks nest).
   */
  private cork(send: () => void): void {
    const socket = (this.ws as unknown as { _socket?: Duplex })._socket;
    socket?.cork();
    try {
      send();
    } finally {
      socket?.uncork();
    }
  }

  private readonly sent = (): void => {
    if (this.waiters && !this.full) this.release();
  };

  private release(): void {
    const waiters = this.waiters;
    this.waiters = null;
    waiters?.forEach((resolve) => resolve());
  }
}
