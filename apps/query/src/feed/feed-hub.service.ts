import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { QUERY_CONFIG, QueryConfig } from '../config/query.config';
import { EntityLinksRepository } from '../reports/shared/entity-links.repository';
import { FeedFilter, scopeFeedFilter } from './feed-query.reader';
import { FeedRepository, FeedRow } from './feed.repository';
import { FeedMetrics, Transport } from './feed.metrics';
import { END, FeedSink, FeedSubscription } from './feed-subscription.service';
import { FeedTail } from './feed-tail.service';
import { LiveEntityLinks } from './live-entity-links.util';

/**
 * Fans the tail out to this instance's subscribers, SSE and WebSocket alike. One tail (one database reader) and
 * one timer per instance, whatever the number of clients: an idle subscription is a few objects, no timer.
 */
@Injectable()
export class FeedHub implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly tail: FeedTail;
  private readonly subscriptions = new Map<FeedSubscription, Transport>();
  private readonly tickListeners: Array<(now: number) => void> = [];
  private readonly metrics = new FeedMetrics();
  private readonly links = new LiveEntityLinks();
  private ticker: NodeJS.Timeout | null = null;
  private stopping = false;

  constructor(
    @Inject(QUERY_CONFIG) private readonly config: QueryConfig,
    readonly repository: FeedRepository,
    private readonly entityLinks: EntityLinksRepository,
  ) {
    // A broadcast lands in every live client's socket at once; at most half the bound per burst means a client
    // that keeps up is never pushed over it by the size of a read, only by not reading.
    const burst = Math.max(1, Math.min(1000, Math.floor(config.FEED_MAX_BUFFERED_ITEMS / 2)));
    this.tail = new FeedTail(
      this.repository,
      config.DATABASE_URL,
      config.FEED_POLL_MS,
      (items, position) => this.broadcast(items, position),
      burst,
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.tail.start();
    // After the tail starts: every merge up to its position is in the table, later ones come as items.
    this.links.reset(await this.entityLinks.standing(null));
    this.ticker = setInterval(() => this.tick(), this.config.FEED_HEARTBEAT_MS);
    this.ticker.unref();
  }

  /** Before the HTTP server closes: it waits for open connections, so streams are ended first, with a reason. */
  beforeApplicationShutdown(): void {
    this.stopping = true;
    if (this.ticker) clearInterval(this.ticker);
    for (const subscription of [...this.subscriptions.keys()]) {
      subscription.end(END.shuttingDown());
      this.unsubscribe(subscription);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.tail.stop();
  }

  get size(): number {
    return this.subscriptions.size;
  }

  tailStatus() {
    return { position: this.tail.broadcastPosition, lastError: this.tail.lastError, subscribers: this.subscriptions.size };
  }

  /** The filter as matched for a history read: subjects and organization standing for their entities now. */
  async scope(filter: FeedFilter): Promise<FeedFilter> {
    return filter.subjects || filter.organization ? scopeFeedFilter(filter, await this.entityLinks.graph(null)) : filter;
  }

  /** Runs on the hub's single timer, every FEED_HEARTBEAT_MS (WebSocket pings use it). */
  onTick(listener: (now: number) => void): void {
    this.tickListeners.push(listener);
  }

  /**
   * Registers first, then reads history in the background: items broadcast meanwhile wait in the subscription's
   * queue, so the handover from history to live has no gap; the subscription drops what it already sent.
   * Returns null when the subscription was refused (the sink has been closed with the reason).
   */
  subscribe(filter: FeedFilter, after: string, sink: FeedSink, transport: Transport): FeedSubscription | null {
    if (this.stopping) {
      sink.close(END.shuttingDown());
      return null;
    }
    if (this.subscriptions.size >= this.config.FEED_MAX_SUBSCRIBERS) {
      const reason = END.tooMany();
      sink.close(reason);
      this.metrics.droppedFor(reason.code);
      return null;
    }
    const subscription: FeedSubscription = new FeedSubscription(
      filter,
      BigInt(after),
      sink,
      this.config.FEED_MAX_BUFFERED_ITEMS,
      {
        written: (item, live) => this.metrics.written(transport, item, live, live ? Date.now() : 0),
        queued: (length) => this.metrics.queued(length),
        ended: (reason) => {
          if (reason.code !== END.shuttingDown().code) this.metrics.droppedFor(reason.code);
          this.unsubscribe(subscription);
        },
      },
      scopeFeedFilter(filter, this.links.graph()),
    );
    this.subscriptions.set(subscription, transport);
    this.metrics.opened(transport);
    this.metrics.historyStarted();
    subscription.catchUp = subscription.run(this.repository).finally(() => this.metrics.historyEnded());
    return subscription;
  }

  /** Frees a subscription (its client went away, or it was ended); safe to call more than once. */
  unsubscribe(subscription: FeedSubscription): void {
    const transport = this.subscriptions.get(subscription);
    if (!transport) return;
    this.subscriptions.delete(subscription);
    subscription.close();
    this.metrics.closed(transport);
  }

  private broadcast(items: FeedRow[], position: string): void {
    this.metrics.broadcast(items, position, Date.now());
    for (const item of items) {
      // A merge widens (an unmerge narrows) the subscriptions naming either subject, from this very item on.
      if (this.links.apply(item)) {
        const graph = this.links.graph();
        for (const subscription of this.subscriptions.keys()) subscription.rescope(scopeFeedFilter(subscription.filter, graph));
      }
      for (const subscription of this.subscriptions.keys()) subscription.offer(item);
    }
  }

  private tick(): void {
    const now = Date.now();
    for (const subscription of this.subscriptions.keys()) subscription.tick(now, this.config.FEED_STALL_TIMEOUT_MS);
    for (const listener of this.tickListeners) listener(now);
  }
}
