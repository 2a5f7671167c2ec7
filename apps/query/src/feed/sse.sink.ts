import type { Response } from 'express';
import { FeedRow } from './feed.repository';
import { feedItemJson } from './feed-item.serializer';
import { EndReason, FeedSink } from './feed-subscription.service';

/** How long a closed stream may take to hand over its last bytes before its socket is destroyed. */
const CLOSE_GRACE_MS = { default: 10000, shutdown: 1000 };

/**
 * Writes feed items as SSE frames; `id:` carries the global position so EventSource resumes by itself with
 * Last-Event-ID. Back-pressure: once the response holds FEED_SOCKET_HIGH_WATER_BYTES not yet taken by the
 * kernel, `write` answers false and the subscription waits for 'drain' (items queue meanwhile, up to the bound).
 */
export class SseSink implements FeedSink {
  private done = false;
  private readonly waiters: Array<() => void> = [];

  constructor(
    private readonly res: Response,
    private readonly lang: 'en' | 'fr',
    retryMs: number,
    private readonly highWaterBytes: number,
  ) {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    res.write(`retry: ${retryMs}\n: connected\n\n`);
    res.on('drain', () => this.release());
  }

  write(item: FeedRow): boolean {
    if (this.done) return true;
    this.res.write(`id: ${item.position}\ndata: ${feedItemJson(item, this.lang)}\n\n`);
    // Past Node's own 16 KiB mark we keep writing up to ours, so a burst does not queue items for a reader
    // that keeps up; 'drain' still comes once the buffer is empty.
    return this.res.writableLength < this.highWaterBytes;
  }

  heartbeat(): void {
    // A socket with bytes still waiting needs no keep-alive, and must not grow.
    if (!this.done && !this.res.writableNeedDrain) this.res.write(': heartbeat\n\n');
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
    if (this.done || this.res.writableLength < this.highWaterBytes) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private release(): void {
    while (this.waiters.length) this.waiters.pop()!();
  }
}
