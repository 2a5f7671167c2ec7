import { compileFilter, FeedFilter } from './feed-query.reader';
import { FeedRow } from './feed.repository';

/** Why the server ended a subscription; sent to the client before its connection is closed. */
export interface EndReason {
  code: string;
  message: string;
}

/** Where a subscription writes: an SSE response or a WebSocket. */
export interface FeedSink {
  /** Writes one item; false when the transport is full: write nothing more until `drained()` resolves. */
  write(item: FeedRow): boolean;
  heartbeat(): void;
  /** Tells the client why and closes the connection (a client that stopped reading is cut off after a grace). */
  close(reason: EndReason): void;
  /** Resolves when the transport can take more after a `false` from `write`, or when it is gone. */
  drained(): Promise<void>;
}

export interface CatchUpSource {
  page(filter: FeedFilter, after: string, limit: number): Promise<{ items: FeedRow[] }>;
}

export interface SubscriptionHooks {
  written(item: FeedRow, live: boolean): void;
  queued(length: number): void;
  /** The server ended the subscription (too slow, stalled, feed unreadable). */
  ended(reason: EndReason): void;
}

export const END = {
  slow: (max: number): EndReason => ({
    code: 'FEED.SLOW_CONSUMER',
    message: `more than ${max} items waiting for this client; reconnect with the last position to resume`,
  }),
  stalled: (ms: number): EndReason => ({
    code: 'FEED.STALLED',
    message: `the connection took nothing for ${ms} ms; reconnect with the last position to resume`,
  }),
  unavailable: (): EndReason => ({
    code: 'FEED.UNAVAILABLE',
    message: 'the feed could not be read; reconnect with the last position to resume',
  }),
  shuttingDown: (): EndReason => ({
    code: 'FEED.SHUTTING_DOWN',
    message: 'this instance is restarting; reconnect with the last position to resume',
  }),
  tooMany: (): EndReason => ({
    code: 'FEED.TOO_MANY_SUBSCRIBERS',
    message: 'this instance is at its subscriber limit; retry later or on another instance',
  }),
};

/**
 * One client's subscription: history from the read model, then live items from the tail, with no gap and no
 * duplicate. The hub registers it before history is read, so every item the tail broadcasts from then on is
 * offered here; they wait in a bounded queue while history is sent, and the position of the last item sent
 * decides what is a duplicate. If that queue overflows during a long catch-up it is emptied and history is read
 * on from the database (the items are there); once live, an overflow means the client is too slow: it is
 * dropped with a reason and resumes by position. Nothing here holds a timer: the hub's tick drives heartbeats
 * and stall detection for every subscription.
 */
export class FeedSubscription {
  private matches: ReturnType<typeof compileFilter>;
  private queue: FeedRow[] = [];
  private live = false;
  private overflowed = false;
  private pumping = false;
  /** When the transport last refused a write and we started waiting for it; 0 when not waiting. */
  private blockedSince = 0;
  closed = false;
  /** Settles when the history read (and the first drain of what queued meanwhile) is over; set by the hub. */
  catchUp: Promise<void> = Promise.resolve();

  constructor(
    readonly filter: FeedFilter,
    private lastSent: bigint,
    private readonly sink: FeedSink,
    private readonly maxQueued: number,
    private readonly hooks: SubscriptionHooks,
    /** What is matched: `filter` with its subjects and organization standing for their entities (the hub scopes it). */
    private scoped: FeedFilter = filter,
  ) {
    this.matches = compileFilter(scoped);
  }

  /** A merge or unmerge changed the entities: match against the new scope from the next item on. */
  rescope(scoped: FeedFilter): void {
    this.scoped = scoped;
    this.matches = compileFilter(scoped);
  }

  get position(): string {
    return this.lastSent.toString();
  }

  get isLive(): boolean {
    return this.live;
  }

  /** Waiting for the transport to take what was written (the client is not keeping up, for now). */
  get isBlocked(): boolean {
    return this.blockedSince !== 0;
  }

  /** Catches up, then goes live. Never rejects: a database failure ends the subscription with a reason. */
  async run(source: CatchUpSource, pageSize = 500): Promise<void> {
    try {
      do {
        this.overflowed = false;
        for (;;) {
          const { items } = await source.page(this.scoped, this.position, pageSize);
          for (const item of items) {
            if (this.closed) return;
            if (!this.write(item, false)) await this.waitForDrain();
          }
          if (this.closed || items.length < pageSize) break;
        }
        // An overflow emptied the queue: what it held is below the watermark now, so read on from the database.
      } while (this.overflowed && !this.closed);
      if (this.closed) return;
      this.live = true;
      await this.pump(false);
    } catch {
      this.end(END.unavailable());
    }
  }

  /**
   * Called by the hub for every new item, in position order. A live client whose socket takes it gets it at
   * once; items only wait while its socket is full (or history is still being sent), up to the bound.
   */
  offer(item: FeedRow): void {
    if (this.closed || item.pos <= this.lastSent || !this.matches(item)) return;
    if (this.live && !this.pumping) {
      if (!this.write(item, true)) void this.pump(true);
      return;
    }
    if (this.queue.length >= this.maxQueued) {
      if (this.live) return this.end(END.slow(this.maxQueued));
      this.overflowed = true;
      this.queue = [];
      return;
    }
    this.queue.push(item);
    this.hooks.queued(this.queue.length);
  }

  /** The hub's periodic tick: a heartbeat, or the end of a client that has taken nothing for too long. */
  tick(now: number, stallMs: number): void {
    if (this.closed) return;
    if (this.blockedSince === 0) this.sink.heartbeat();
    else if (now - this.blockedSince > stallMs) this.end(END.stalled(stallMs));
  }

  /** The client went away or the hub let go: stop sending and free the queue. */
  close(): void {
    this.closed = true;
    this.queue = [];
  }

  /** The server ends the subscription: tell the client why, then close. */
  end(reason: EndReason): void {
    if (this.closed) return;
    this.close();
    this.sink.close(reason);
    this.hooks.ended(reason);
  }

  /** Writes the queue out, waiting whenever the socket is full; while it runs, live items queue behind it. */
  private async pump(startBlocked: boolean): Promise<void> {
    this.pumping = true;
    try {
      for (let blocked = startBlocked; ;) {
        if (blocked) await this.waitForDrain();
        const next = this.queue.shift();
        if (this.closed || !next) return;
        blocked = !this.write(next, true);
      }
    } catch {
      this.end(END.unavailable());
    } finally {
      this.pumping = false;
    }
  }

  /** Writes an item unless already sent; false when the transport is full. */
  private write(item: FeedRow, live: boolean): boolean {
    if (item.pos <= this.lastSent) return true;
    this.lastSent = item.pos;
    const more = this.sink.write(item);
    this.hooks.written(item, live);
    return more;
  }

  private async waitForDrain(): Promise<void> {
    this.blockedSince = Date.now();
    await this.sink.drained();
    this.blockedSince = 0;
  }
}
