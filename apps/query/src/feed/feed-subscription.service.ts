import { FeedFilter } from './feed-query.reader';
import { FeedRow } from './feed.repository';
import { FeedBurst } from './feed-burst.builder';

/** Why the server ended a subscription; sent to the client before its connection is closed. */
export interface EndReason {
  code: string;
  message: string;
}

/** Where a subscription writes: an SSE response or a WebSocket. */
export interface FeedSink {
  /**
   * Writes items[from], items[from + 1]... in one transport write, stopping after the item that takes the socket
   * to its high-water mark (at least one item is written); returns the index after the last item written.
   */
  write(items: readonly FeedRow[], from: number): number;
  /** Writes a group's burst from item `from` to its end, in one transport write (a burst is bounded in items). */
  writeBurst(burst: FeedBurst, from: number): void;
  /** The transport holds its high-water mark: write nothing more until `drained()` resolves. */
  readonly full: boolean;
  heartbeat(): void;
  /** Tells the client why and closes the connection (a client that stopped reading is cut off after a grace). */
  close(reason: EndReason): void;
  /** Resolves when the transport can take more, or when it is gone. */
  drained(): Promise<void>;
}

export interface CatchUpSource {
  page(filter: FeedFilter, after: string, limit: number): Promise<{ items: FeedRow[] }>;
}

export interface SubscriptionHooks {
  /**
   * `count` items went out in one transport write; `lagFromMs` is the recording time of the oldest live item among
   * them when this write's delivery lag is to be sampled, else 0 (history, or a burst the hub samples itself).
   */
  written(count: number, lagFromMs: number): void;
  queued(length: number): void;
  /** The server ended the subscription (too slow, stalled, feed unreadable). */
  ended(reason: EndReason, subscription: FeedSubscription): void;
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
 * duplicate. The hub registers it before history is read, so every burst the tail broadcasts from then on is
 * offered here (already matched to its filter by its group); while history is sent the items wait in a bounded
 * queue, and the position of the last item sent decides what is a duplicate. If that queue overflows during a
 * long catch-up it is emptied and history is read on from the database (the items are there); once live, an
 * overflow means the client is too slow: it is dropped with a reason and resumes by position. A live client that
 * keeps up gets each burst in one write; a queue is written out in writes that fill the socket to its mark.
 * Nothing here holds a timer: the hub's tick drives heartbeats and stall detection for every subscription.
 */
export class FeedSubscription {
  /** Items waiting for the transport (or for history to be sent); allocated when the first one waits. */
  private queue: FeedRow[] | null = null;
  private live = false;
  private overflowed = false;
  private pumping = false;
  /** When the transport last refused more and we started waiting for it; 0 when not waiting. */
  private blockedSince = 0;
  closed = false;
  /** Settles when the history read (and the first drain of what queued meanwhile) is over; set by the hub. */
  catchUp: Promise<void> = Promise.resolve();

  constructor(
    readonly filter: FeedFilter,
    private lastSent: bigint,
    private readonly sink: FeedSink,
    private readonly maxQueued: number,
    /** Shared by every subscription of a transport (the hub's), so a subscription holds no closures of its own. */
    private readonly hooks: SubscriptionHooks,
    /**
     * What history is read with: `filter` with its subjects and organization standing for their entities (the hub
     * scopes it); `filter` itself when it names neither, so an unfiltered subscription holds no second filter.
     */
    private scoped: FeedFilter = filter,
  ) {}

  /** A merge or unmerge changed the entities: history pages read from now on use the new scope (live items are matched by the group). */
  rescope(scoped: FeedFilter): void {
    this.scoped = scoped;
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

  /**
   * Catches up, then goes live. Never rejects: a database failure ends the subscription with a reason. The first page
   * is small (`firstPage`), so the first items reach the client before a whole page of `pageSize` is read and encoded:
   * on a loaded machine that took 1.6-1.8 s, and a client re-subscribing faster than that got nothing for minutes (t22).
   */
  async run(source: CatchUpSource, pageSize = 500, firstPage = 50): Promise<void> {
    try {
      do {
        this.overflowed = false;
        for (let size = Math.min(firstPage, pageSize); ; size = pageSize) {
          const { items } = await source.page(this.scoped, this.position, size);
          for (let i = 0; i < items.length;) {
            if (this.closed) return;
            i = this.send(items, i, false);
            if (this.sink.full) await this.waitForDrain();
          }
          if (this.closed || items.length < size) break;
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

  /** Live at once, with no history to read: the hub broadcasts every item after the client's position. */
  goLive(): void {
    this.live = true;
  }

  /**
   * Called by the hub with every burst of its group, in position order. A live client whose socket is not full
   * gets the burst at once, in one write (returns true); items only wait while its socket is full (or history is
   * still being sent), up to the bound.
   */
  offer(burst: FeedBurst): boolean {
    if (this.closed) return false;
    const items = burst.items;
    const from = burst.firstAfter(this.lastSent);
    if (from === items.length) return false;
    if (this.live && !this.pumping) {
      this.lastSent = items[items.length - 1].pos;
      this.sink.writeBurst(burst, from);
      this.hooks.written(items.length - from, 0);
      if (this.sink.full) void this.pump(true);
      return true;
    }
    for (let i = from; i < items.length && !this.closed; i++) this.enqueue(items[i]);
    return false;
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
    this.queue = null;
  }

  /** The server ends the subscription: tell the client why, then close. */
  end(reason: EndReason): void {
    if (this.closed) return;
    this.close();
    this.sink.close(reason);
    this.hooks.ended(reason, this);
  }

  private enqueue(item: FeedRow): void {
    const queue = (this.queue ??= []);
    if (queue.length >= this.maxQueued) {
      if (this.live) return this.end(END.slow(this.maxQueued));
      this.overflowed = true;
      this.queue = [];
      return;
    }
    queue.push(item);
    this.hooks.queued(queue.length);
  }

  /** Writes the queue out, waiting whenever the socket is full; while it runs, live items queue behind it. */
  private async pump(startBlocked: boolean): Promise<void> {
    this.pumping = true;
    try {
      for (let blocked = startBlocked; ;) {
        if (blocked) await this.waitForDrain();
        const queue = this.queue;
        if (this.closed || !queue?.length) return;
        const next = this.send(queue, 0, true);
        // Offers only happen between awaits: nothing was added to the queue during the write.
        this.queue = next < queue.length ? queue.slice(next) : null;
        blocked = this.sink.full;
      }
    } catch {
      this.end(END.unavailable());
    } finally {
      this.pumping = false;
    }
  }

  /** One write of items[from..], skipping what was already sent; returns the index after the last one written. */
  private send(items: readonly FeedRow[], from: number, live: boolean): number {
    while (from < items.length && items[from].pos <= this.lastSent) from++;
    if (from === items.length) return from;
    const next = this.sink.write(items, from);
    this.lastSent = items[next - 1].pos;
    let oldest = 0;
    if (live) {
      oldest = Infinity;
      for (let i = from; i < next; i++) if (items[i].recordedMs < oldest) oldest = items[i].recordedMs;
    }
    this.hooks.written(next - from, oldest);
    return next;
  }

  private async waitForDrain(): Promise<void> {
    this.blockedSince = Date.now();
    await this.sink.drained();
    this.blockedSince = 0;
  }
}
