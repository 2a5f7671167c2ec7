import { metric } from '@newsroom/platform';
import { FeedRow } from './feed.repository';

export type Transport = 'sse' | 'ws';
const TRANSPORTS: Transport[] = ['sse', 'ws'];
const SERVER_ENDS = ['FEED.SLOW_CONSUMER', 'FEED.STALLED', 'FEED.TOO_MANY_SUBSCRIBERS', 'FEED.UNAVAILABLE'];
const LAG_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The live feed's Prometheus metrics. Every label value is created at start, so the series show on /metrics
 * (as 0) before the first client; the hot path uses pre-bound children, not label lookups.
 */
export class FeedMetrics {
  private readonly open = metric('gauge', {
    name: 'feed_subscriptions_open',
    help: 'Open feed subscriptions on this instance',
    labelNames: ['transport'],
  });
  private readonly delivered = metric('counter', {
    name: 'feed_items_delivered_total',
    help: 'Feed items written to subscribers (history and live)',
    labelNames: ['transport'],
  });
  private readonly dropped = metric('counter', {
    name: 'feed_subscribers_dropped_total',
    help: 'Subscribers the server disconnected, by reason (FEED.SLOW_CONSUMER and FEED.STALLED are clients too slow to keep up)',
    labelNames: ['reason'],
  });
  private readonly lag = metric('histogram', {
    name: 'feed_delivery_lag_seconds',
    help: 'Live items: time from the event being recorded to its being written to a subscriber (sampled: once per burst per subscriber group, and once per write from a queue)',
    labelNames: ['transport'],
    buckets: LAG_BUCKETS,
  });
  private readonly broadcastLag = metric('histogram', {
    name: 'feed_broadcast_lag_seconds',
    help: 'Time from an event being recorded to this instance tailing it from the read model',
    buckets: LAG_BUCKETS,
  });
  private readonly queuePeak = metric('gauge', {
    name: 'feed_queue_peak_items',
    help: 'Most items any subscriber has had waiting since start (bounded by FEED_MAX_BUFFERED_ITEMS)',
  });
  private readonly tailPosition = metric('gauge', {
    name: 'feed_tail_position',
    help: 'Position up to which this instance has broadcast the feed',
  });
  private readonly historyActive = metric('gauge', {
    name: 'feed_history_reads_active',
    help: 'Subscriptions reading their history (catch-up) now',
  });
  private readonly historyPeak = metric('gauge', {
    name: 'feed_history_reads_peak',
    help: 'Most history reads running at once since start',
  });
  private readonly historyTotal = metric('counter', { name: 'feed_history_reads_total', help: 'History reads (catch-ups) started' });
  private reading = 0;
  private readingPeak = 0;
  private readonly bound: Record<Transport, { delivered: { inc(n?: number): void }; lag: { observe(v: number): void } }>;
  private peak = 0;

  constructor() {
    for (const transport of TRANSPORTS) {
      this.open.set({ transport }, 0);
      this.delivered.inc({ transport }, 0);
    }
    for (const reason of SERVER_ENDS) this.dropped.inc({ reason }, 0);
    this.queuePeak.set(0);
    this.historyActive.set(0);
    this.historyPeak.set(0);
    this.historyTotal.inc(0);
    this.bound = {
      sse: { delivered: this.delivered.labels({ transport: 'sse' }), lag: this.lag.labels({ transport: 'sse' }) },
      ws: { delivered: this.delivered.labels({ transport: 'ws' }), lag: this.lag.labels({ transport: 'ws' }) },
    };
  }

  opened(transport: Transport): void {
    this.open.inc({ transport });
  }

  closed(transport: Transport): void {
    this.open.dec({ transport });
  }

  /**
   * One transport write of `count` items. Delivery lag is sampled, not observed per delivery: the hub samples each
   * burst once per group, and a write from a queue (`lagFromMs`, its oldest item's recording time) once per write.
   */
  written(transport: Transport, count: number, lagFromMs: number): void {
    const b = this.bound[transport];
    b.delivered.inc(count);
    // History items would measure how old the history is, not how late we are: only live writes pass a time.
    if (lagFromMs) b.lag.observe(Math.max(0, (Date.now() - lagFromMs) / 1000));
  }

  sampleLag(transport: Transport, recordedMs: number): void {
    this.bound[transport].lag.observe(Math.max(0, (Date.now() - recordedMs) / 1000));
  }

  historyStarted(): void {
    this.historyTotal.inc();
    this.historyActive.set(++this.reading);
    if (this.reading > this.readingPeak) this.historyPeak.set((this.readingPeak = this.reading));
  }

  historyEnded(): void {
    this.historyActive.set(--this.reading);
  }

  droppedFor(reason: string): void {
    this.dropped.inc({ reason });
  }

  queued(length: number): void {
    if (length <= this.peak) return;
    this.peak = length;
    this.queuePeak.set(length);
  }

  broadcast(items: FeedRow[], position: string, now: number): void {
    for (const item of items) this.broadcastLag.observe(Math.max(0, (now - item.recordedMs) / 1000));
    this.tailPosition.set(Number(position));
  }
}
