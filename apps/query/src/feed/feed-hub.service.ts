import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { QUERY_CONFIG, QueryConfig } from '../config/query.config';
import { EntityLinksRepository } from '../reports/shared/entity-links.repository';
import { FeedFilter, scopeFeedFilter } from './feed-query.reader';
import { FeedRepository, FeedRow } from './feed.repository';
import { FeedMetrics, Transport } from './feed.metrics';
import { END, FeedSink, FeedSubscription, SubscriptionHooks } from './feed-subscription.service';
import { FeedTail } from './feed-tail.service';
import { LiveEntityLinks } from './live-entity-links.util';
import { Lang } from './feed-burst.builder';
import { FeedGroup, FeedGroups } from './feed-groups.registry';

/** Subjects and organization stand for their entities (merges): only a filter naming one needs a scope of its own. */
const scoped = (filter: FeedFilter): boolean => Boolean(filter.subjects || filter.organization);

interface Member {
  transport: Transport;
  group: FeedGroup<FeedSubscription>;
}

/**
 * Fans the tail out to this instance's subscribers, SSE and WebSocket alike. One tail (one database reader) and
 * one timer per instance, whatever the number of clients: an idle subscription is a few objects, no timer.
 * Subscribers are grouped by language and filter: each burst the tail reads is matched and encoded once per
 * group, then written to each member in one write.
 */
@Injectable()
export class FeedHub implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly tail: FeedTail;
  private readonly subscriptions = new Map<FeedSubscription, Member>();
  private readonly groups = new FeedGroups<FeedSubscription>();
  private readonly tickListeners: Array<(now: number) => void> = [];
  private readonly metrics = new FeedMetrics();
  private readonly links = new LiveEntityLinks();
  private ticker: NodeJS.Timeout | null = null;
  private stopping = false;
  /** One hooks object per transport, shared by its subscriptions: an idle subscription holds no closures of its own. */
  private readonly hooks: Record<Transport, SubscriptionHooks> = { sse: this.hooksOf('sse'), ws: this.hooksOf('ws') };

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
      // With no subscriber, only what moves the merges: nothing else of a burst would reach anyone.
      { when: () => this.subscriptions.size === 0, filter: { types: [...LiveEntityLinks.TYPES], subjects: null, organization: null } },
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

  /**
   * The position every read model holds every event up to (the feed watermark as this instance's tail last read
   * it; the projector moves it only after the batch's read models committed): a lower bound on what a read made
   * from now on sees. `listener` hears each move.
   */
  get position(): string {
    return this.tail.broadcastPosition;
  }

  onPositionMoved(listener: (position: string) => void): void {
    this.tail.onMoved(listener);
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
  subscribe(query: FeedFilter & { lang: Lang }, after: string, sink: FeedSink, transport: Transport): FeedSubscription | null {
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
    const filter: FeedFilter = { types: query.types, subjects: query.subjects, organization: query.organization };
    const graph = this.links.graph();
    const subscription = new FeedSubscription(
      filter,
      BigInt(after),
      sink,
      this.config.FEED_MAX_BUFFERED_ITEMS,
      this.hooks[transport],
      scoped(filter) ? scopeFeedFilter(filter, graph) : filter,
    );
    this.subscriptions.set(subscription, { transport, group: this.groups.join(subscription, filter, query.lang, graph) });
    this.metrics.opened(transport);
    // Every item after the tail's position will be broadcast to it (it is registered now): a client resuming at
    // or past that position, as most reconnects do, has no history to read, and costs no database read.
    if (this.tail.isRunning && BigInt(after) >= BigInt(this.tail.broadcastPosition)) {
      subscription.goLive();
      return subscription;
    }
    this.metrics.historyStarted();
    subscription.catchUp = subscription.run(this.repository).finally(() => this.metrics.historyEnded());
    return subscription;
  }

  /** Frees a subscription (its client went away, or it was ended); safe to call more than once. */
  unsubscribe(subscription: FeedSubscription): void {
    const member = this.subscriptions.get(subscription);
    if (!member) return;
    this.subscriptions.delete(subscription);
    this.groups.leave(subscription, member.group);
    subscription.close();
    this.metrics.closed(member.transport);
  }

  /**
   * One burst of the tail, group by group: matched and encoded once per group, one write per member. Delivery lag
   * is sampled once per group and transport, when the group's writes are done (its last member is its latest).
   */
  private broadcast(items: FeedRow[], position: string): void {
    this.metrics.broadcast(items, position, Date.now());
    // A merge widens (an unmerge narrows) the subscriptions naming either subject: the burst is cut at each item
    // that moves the merges, and the groups are scoped again before the rest goes out. The merge item goes out in
    // the widened scope and the unmerge item in the scope it narrows, so a subscriber to either side gets both.
    let start = 0;
    for (let i = 0; i < items.length; i++) {
      if (!this.links.apply(items[i])) continue;
      const through = items[i].type === 'entity.unmerged' ? i + 1 : i;
      if (through > start) this.deliver(items.slice(start, through));
      start = through;
      const graph = this.links.graph();
      for (const group of this.groups.values()) group.rescope(graph);
      for (const subscription of this.subscriptions.keys())
        if (scoped(subscription.filter)) subscription.rescope(scopeFeedFilter(subscription.filter, graph));
    }
    this.deliver(start === 0 ? items : items.slice(start));
  }

  private deliver(items: FeedRow[]): void {
    if (!items.length) return;
    for (const group of this.groups.values()) {
      const burst = group.burst(items);
      if (!burst) continue;
      let sse = false;
      let ws = false;
      for (const subscription of group.members) {
        if (!subscription.offer(burst)) continue;
        if (this.subscriptions.get(subscription)?.transport === 'ws') ws = true;
        else sse = true;
      }
      if (sse) this.metrics.sampleLag('sse', burst.oldestRecordedMs);
      if (ws) this.metrics.sampleLag('ws', burst.oldestRecordedMs);
    }
  }

  private hooksOf(transport: Transport): SubscriptionHooks {
    return {
      written: (count, lagFromMs) => this.metrics.written(transport, count, lagFromMs),
      queued: (length) => this.metrics.queued(length),
      ended: (reason, subscription) => {
        if (reason.code !== END.shuttingDown().code) this.metrics.droppedFor(reason.code);
        this.unsubscribe(subscription);
      },
    };
  }

  private tick(): void {
    const now = Date.now();
    for (const subscription of this.subscriptions.keys()) subscription.tick(now, this.config.FEED_STALL_TIMEOUT_MS);
    for (const listener of this.tickListeners) listener(now);
  }
}
