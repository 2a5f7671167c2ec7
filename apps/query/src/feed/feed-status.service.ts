import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventLogReader } from '@newsroom/event-store';
import { QUERY_CONFIG, QueryConfig } from '../config/query.config';
import { READ_DB } from '../database/read-database.module';
import { FeedHub } from './feed-hub.service';

/** What a live reader is told of the feed's timeliness: the SSE stream's `event: status` (README, live feed). */
export interface FeedStatusBody {
  /** True while an event recorded FEED_DELAYED_AFTER_MS ago or more is not in this instance's feed yet. */
  delayed: boolean;
  /** Delayed: when the oldest event still waiting was recorded. Not delayed: when the feed was seen caught up. */
  since: string;
  /** Delayed only: what is known of why, in words. */
  reason?: string;
}

/** The status encoded once for each transport: an SSE frame (`event: status`) and a WebSocket message. */
export interface StatusFrames {
  sse: string;
  ws: string;
}

/** A stream told of the feed's status (an SSE or WebSocket sink). */
export interface StatusListener {
  status(frames: StatusFrames): void;
}

const REASON =
  'recorded events are not in the feed yet: the relay, the broker or the projector is behind or down; ' +
  'they will arrive, in order and once, when it catches up';

/**
 * Whether items of the live feed are late, as this instance can tell: once a poll interval (FEED_POLL_MS) it asks
 * the event store for the first event after its feed's position (one primary-key probe, whatever the number of
 * subscribers and items). If that event was recorded FEED_DELAYED_AFTER_MS ago or more, the feed is delayed: the
 * broker is down, the relay or the projector stalled or behind, or this instance's tail cannot read. The query
 * service has no Kafka consumer of its own, so this end-to-end view is the one it has; it covers every cause and
 * says nothing when nothing was recorded. Listeners (the SSE streams that asked with `status=true`, the WebSocket subscribers) hear each change once, and it probes only while there is one; a new stream is sent
 * the current status at once. Nothing here runs per item.
 */
@Injectable()
export class FeedStatus implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FeedStatus.name);
  private readonly log: EventLogReader;
  /** The streams told of each change: the sinks themselves, so a stream holds no function of its own for it. */
  private readonly listeners = new Set<StatusListener>();
  private body: FeedStatusBody = { delayed: false, since: new Date().toISOString() };
  private frame = frameOf(this.body);
  private timer: NodeJS.Timeout | null = null;
  private checking = false;

  constructor(
    @Inject(QUERY_CONFIG) private readonly config: QueryConfig,
    @Inject(READ_DB) db: DataSource,
    private readonly hub: FeedHub,
  ) {
    this.log = new EventLogReader(db);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.check();
    this.timer = setInterval(() => void this.check(), this.config.FEED_POLL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.listeners.clear();
  }

  get current(): FeedStatusBody {
    return this.body;
  }

  /** Sends `listener` the current status at once, then each change. */
  follow(listener: StatusListener): void {
    // Nobody listened: the status may be old (not probed meanwhile); it is probed again now, a change sent at once.
    const idle = this.listeners.size === 0;
    listener.status(this.frame);
    this.listeners.add(listener);
    if (idle) void this.check();
  }

  unfollow(listener: StatusListener): void {
    this.listeners.delete(listener);
  }

  /** One probe; a failed one changes nothing (the tail's own error is in readiness) and is logged once a change. */
  async check(): Promise<void> {
    // No stream asked for the status (`status=true`, or a WebSocket): nothing to probe for.
    if (this.checking || this.listeners.size === 0) return;
    this.checking = true;
    try {
      const position = this.hub.position;
      const first = await this.log.firstAfter(position);
      const delayed = first !== null && first.ageMs >= this.config.FEED_DELAYED_AFTER_MS;
      if (delayed === this.body.delayed) return;
      this.body = delayed ? { delayed, since: first.recordedAt, reason: REASON } : { delayed, since: new Date().toISOString() };
      this.frame = frameOf(this.body);
      if (delayed) this.logger.warn(`feed delayed: events recorded since ${first.recordedAt} are not in the feed (position ${position})`);
      else this.logger.log(`feed caught up: position ${position}`);
      for (const listener of this.listeners) listener.status(this.frame);
    } catch (error) {
      this.logger.debug(`feed status not checked: ${(error as Error).message}`);
    } finally {
      this.checking = false;
    }
  }
}

function frameOf(body: FeedStatusBody): StatusFrames {
  const json = JSON.stringify(body);
  return { sse: `event: status\ndata: ${json}\n\n`, ws: `{"type":"status",${json.slice(1)}` };
}
