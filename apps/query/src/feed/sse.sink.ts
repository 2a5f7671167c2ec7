import type { ServerResponse } from 'node:http';
import { FeedRow } from './feed.repository';
import { FeedBurst, Lang, sseFrame } from './feed-burst.builder';
import { EndReason, FeedSink } from './feed-subscription.service';
import type { StatusFrames } from './feed-status.service';

/** How long a closed stream may take to hand over its last bytes before its socket is destroyed. */
const CLOSE_GRACE_MS = { default: 10000, shutdown: 1000 };

const HEARTBEAT = Buffer.from(': heartbeat\n\n');

/**
 * Writes feed items as SSE frames; `id:` carries the global position so EventSource resumes by itself with
 * Last-Event-ID. Back-pressure: once the response holds FEED_SOCKET_HIGH_WATER_BYTES not yet taken by the
 * kernel, the sink is `full` and the subscription waits for 'drain' (items queue meanwhile, up to the bound).
 */
export class SseSink implements FeedSink {
  private done = false;
  private waiters: Array<() => void> | null = null;
  /** The 'drain' listener, made the first time a writer waits: an idle stream holds no function of its own. */
  private onDrain: (() => void) | null = null;

  constructor(
    /** Node's response: the lean route's own, or Express's (which is one). */
    private readonly res: ServerResponse,
    private readonly lang: Lang,
    retryMs: number,
    private readonly highWaterBytes: number,
  ) {
    res.statusCode = 200;
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.setHeader('Content-Language', lang);
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    res.write(`retry: ${retryMs}\n: connected\n\n`);
  }

  write(items: readonly FeedRow[], from: number): number {
    if (this.done) return items.length;
    // Past Node's own 16 KiB mark we keep writing up to ours, so a burst does not queue items for a reader that
    // keeps up; 'drain' still comes once the buffer is empty.
    let room = this.highWaterBytes - this.res.writableLength;
    let text = '';
    let next = from;
    do {
      const frame = sseFrame(items[next++], this.lang);
      text += frame;
      room -= frame.length;
    } while (next < items.length && room > 0);
    this.res.write(text);
    return next;
  }

  writeBurst(burst: FeedBurst, from: number): void {
    // The same Buffer goes to every member of the group: the socket keeps a reference to what it has not sent.
    if (!this.done) this.res.write(burst.sseFrom(from));
  }

  /**
   * Full at our mark, but only once Node owes a 'drain' (a write returned false): below Node's own mark (16 KiB) no
   * 'drain' ever comes, and a writer waiting for one would hang until the stall timer cut a healthy client. So a
   * mark set under Node's acts as Node's.
   */
  get full(): boolean {
    return !this.done && this.res.writableNeedDrain && this.res.writableLength >= this.highWaterBytes;
  }

  /** A status frame (`event: status`, FeedStatus): a few bytes on a change, written even past the mark. */
  status(frames: StatusFrames): void {
    if (!this.done) this.res.write(frames.sse);
  }

  heartbeat(): void {
    // A socket with bytes still waiting needs no keep-alive, and must not grow.
    if (!this.done && !this.res.writableNeedDrain) this.res.write(HEARTBEAT);
  }

  close(reason: EndReason): void {
    if (this.done) return;
    this.done = true;
    this.res.end(`event: close\ndata: ${JSON.stringify(reason)}\n\n`);
    this.release();
    // A client that stopped reading never takes those bytes, and end() alone would keep its socket open for good.
    // A finished response has let go of its socket, so this only ever cuts off a stuck one.
    const grace = reason.code === 'FEED.SHUTTING_DOWN' ? CLOSE_GRACE_MS.shutdown : CLOSE_GRACE_MS.default;
    setTimeout(() => this.res.destroy(), grace).unref();
  }

  /** The response closed (client gone): nothing more is written, waiting writers are released. */
  gone(): void {
    this.done = true;
    this.release();
  }

  drained(): Promise<void> {
    if (!this.full) return Promise.resolve();
    // Listened to only while someone waits: an idle stream holds no listener of ours.
    if (!this.waiters) this.res.once('drain', (this.onDrain ??= () => this.release()));
    return new Promise((resolve) => (this.waiters ??= []).push(resolve));
  }

  private release(): void {
    if (this.onDrain) this.res.off('drain', this.onDrain);
    const waiters = this.waiters;
    this.waiters = null;
    waiters?.forEach((resolve) => resolve());
  }
}
