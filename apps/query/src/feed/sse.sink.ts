import type { Response } from 'express';
import { FeedItemRow } from '@newsroom/projections';
import { toFeedItemDto } from './feed-item.dto';
import { FeedSink } from './feed-subscription';

/** Writes feed items as SSE frames; `id:` carries the global position so EventSource resumes by itself. */
export class SseSink implements FeedSink {
  private closed = false;

  constructor(
    private readonly res: Response,
    private readonly lang: 'en' | 'fr',
    retryMs: number,
  ) {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    res.write(`retry: ${retryMs}\n: connected\n\n`);
  }

  write(item: FeedItemRow): boolean {
    if (this.closed) return true;
    return this.res.write(`id: ${item.position}\ndata: ${JSON.stringify(toFeedItemDto(item, this.lang))}\n\n`);
  }

  heartbeat(): void {
    if (!this.closed) this.res.write(`: heartbeat ${Date.now()}\n\n`);
  }

  close(reason: { code: string; message: string }): void {
    if (this.closed) return;
    this.res.write(`event: close\ndata: ${JSON.stringify(reason)}\n\n`);
    this.closed = true;
    this.res.end();
  }

  markClosed(): void {
    this.closed = true;
  }

  drained(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.once('drain', done);
      this.res.once('close', done);
    });
  }
}
