import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FeedItemRow } from '@newsroom/projections';
import { metric } from '@newsroom/platform';
import { QUERY_CONFIG, QueryConfig } from '../config/query.config';
import { FeedFilter } from './feed-query';
import { FeedRepository } from './feed.repository';
import { FeedSink, FeedSubscription } from './feed-subscription';
import { FeedTail } from './feed-tail';

export const READ_DB = Symbol('READ_DB');

/** Fans the tail out to this instance's subscribers (SSE and WebSocket alike). */
@Injectable()
export class FeedHub implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FeedHub.name);
  readonly repository: FeedRepository;
  private readonly tail: FeedTail;
  private readonly subscriptions = new Set<FeedSubscription>();
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private readonly open = metric('gauge', { name: 'feed_subscriptions_open', help: 'Open feed subscriptions', labelNames: ['transport'] });
  private readonly delivered = metric('counter', { name: 'feed_items_delivered_total', help: 'Feed items written to subscribers', labelNames: ['transport'] });
  private readonly dropped = metric('counter', { name: 'feed_subscribers_dropped_total', help: 'Subscribers disconnected', labelNames: ['reason'] });
  private readonly lag = metric('histogram', {
    name: 'feed_delivery_lag_seconds',
    help: 'Time from an event being recorded to its broadcast by this instance',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  });

  constructor(
    @Inject(QUERY_CONFIG) private readonly config: QueryConfig,
    @Inject(READ_DB) db: DataSource,
  ) {
    this.repository = new FeedRepository(db);
    this.tail = new FeedTail(this.repository, config.DATABASE_URL, config.FEED_POLL_MS, (items) => this.broadcast(items));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.tail.start();
    this.heartbeatTimer = setInterval(() => this.subscriptions.forEach((s) => s.heartbeat()), this.config.FEED_HEARTBEAT_MS);
    this.heartbeatTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    for (const s of this.subscriptions) s.close();
    await this.tail.stop();
  }

  get size(): number {
    return this.subscriptions.size;
  }

  tailStatus() {
    return { position: this.tail.broadcastPosition, lastError: this.tail.lastError, subscribers: this.subscriptions.size };
  }

  /**
   * Registers first, then reads history: items broadcast meanwhile wait in the subscription's queue, so the
   * handover from history to live has no gap; the subscription drops what it already sent.
   */
  async subscribe(filter: FeedFilter, after: string, sink: FeedSink, transport: 'sse' | 'ws'): Promise<FeedSubscription | null> {
    if (this.subscriptions.size >= this.config.FEED_MAX_SUBSCRIBERS) {
      sink.close({ code: 'FEED.TOO_MANY_SUBSCRIBERS', message: 'this instance is at its subscriber limit; try another' });
      this.dropped.inc({ reason: 'FEED.TOO_MANY_SUBSCRIBERS' });
      return null;
    }
    const countingSink: FeedSink = {
      ...sink,
      write: (item) => {
        this.delivered.inc({ transport });
        return sink.write(item);
      },
      heartbeat: () => sink.heartbeat(),
      close: (reason) => sink.close(reason),
      drained: () => sink.drained(),
    };
    const subscription = new FeedSubscription(filter, BigInt(after), countingSink, this.config.FEED_MAX_BUFFERED_ITEMS, (reason) => {
      this.dropped.inc({ reason });
      this.unsubscribe(subscription, transport);
    });
    this.subscriptions.add(subscription);
    this.open.inc({ transport });
    try {
      await subscription.catchUp(this.repository);
    } catch (error) {
      this.logger.warn(`catch-up failed: ${(error as Error).message}`);
      sink.close({ code: 'FEED.UNAVAILABLE', message: 'the feed could not be read; reconnect to resume' });
      this.unsubscribe(subscription, transport);
      return null;
    }
    return subscription;
  }

  unsubscribe(subscription: FeedSubscription, transport: 'sse' | 'ws'): void {
    if (!this.subscriptions.delete(subscription)) return;
    subscription.close();
    this.open.dec({ transport });
  }

  private broadcast(items: FeedItemRow[]): void {
    const now = Date.now();
    for (const item of items) {
      this.lag.observe(Math.max(0, (now - Date.parse(item.recordedAt)) / 1000));
      for (const s of this.subscriptions) s.offer(item);
    }
  }
}
