import { FeedItemRow } from '@newsroom/projections';
import { FeedFilter, matches } from './feed-query';

/** Where a subscription writes: an SSE response or a WebSocket. `write` returns false when the socket is full. */
export interface FeedSink {
  write(item: FeedItemRow): boolean;
  heartbeat(): void;
  close(reason: { code: string; message: string }): void;
  /** Resolves when the socket can take more after a `false` from `write`. */
  drained(): Promise<void>;
}

export interface CatchUpSource {
  page(filter: FeedFilter, after: string, limit: number): Promise<{ items: FeedItemRow[] }>;
}

/**
 * One client's subscription: history from the read model, then live items from the tail, with no gap and no
 * duplicate. Live items that arrive while history is being sent wait in a bounded queue; the position of the
 * last item sent decides what is a duplicate. A live client whose queue passes the bound is dropped with a reason.
 */
export class FeedSubscription {
  private queue: FeedItemRow[] = [];
  private live = false;
  private overflowedDuringCatchUp = false;
  private flushing = false;
  closed = false;
  delivered = 0;

  constructor(
    readonly filter: FeedFilter,
    private lastSent: bigint,
    private readonly sink: FeedSink,
    private readonly maxBuffered: number,
    private readonly onDropped: (reason: string) => void,
  ) {}

  get position(): string {
    return this.lastSent.toString();
  }

  /** Sends history until it meets the live tail; pages are written with back-pressure. */
  async catchUp(source: CatchUpSource, pageSize = 500): Promise<void> {
    for (;;) {
      for (;;) {
        const { items } = await source.page(this.filter, this.lastSent.toString(), pageSize);
        for (const item of items) {
          if (this.closed) return;
          await this.send(item);
        }
        if (items.length < pageSize) break;
      }
      if (!this.overflowedDuringCatchUp) break;
      // The live queue overflowed while history was long: the items are in the database, read on from there.
      this.overflowedDuringCatchUp = false;
      this.queue = [];
    }
    this.live = true;
    await this.flush();
  }

  /** Called by the hub for every new item, in position order. */
  offer(item: FeedItemRow): void {
    if (this.closed || !matches(this.filter, item)) return;
    this.queue.push(item);
    if (this.queue.length > this.maxBuffered) {
      if (!this.live) {
        this.overflowedDuringCatchUp = true;
        this.queue = [];
        return;
      }
      this.drop('FEED.SLOW_CONSUMER', `more than ${this.maxBuffered} items waiting; reconnect with Last-Event-ID to resume`);
      return;
    }
    if (this.live) void this.flush();
  }

  heartbeat(): void {
    if (!this.closed) this.sink.heartbeat();
  }

  close(): void {
    this.closed = true;
    this.queue = [];
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.queue.length && !this.closed) await this.send(this.queue.shift()!);
    } finally {
      this.flushing = false;
    }
  }

  private async send(item: FeedItemRow): Promise<void> {
    const position = BigInt(item.position);
    if (position <= this.lastSent) return;
    this.lastSent = position;
    this.delivered++;
    if (!this.sink.write(item)) await this.sink.drained();
  }

  private drop(code: string, message: string): void {
    this.onDropped(code);
    this.sink.close({ code, message });
    this.close();
  }
}
