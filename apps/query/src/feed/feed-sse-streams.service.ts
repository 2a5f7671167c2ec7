import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger as PinoRoot } from 'pino';
import { logRequestEnd, ROOT_LOGGER } from '@newsroom/platform';
import { QUERY_CONFIG, QueryConfig } from '../config/query.config';
import { FeedConnections } from './feed-connections.service';
import { FeedHub } from './feed-hub.service';
import { StreamQuery } from './feed-query.reader';
import { FeedStatus } from './feed-status.service';
import { FeedSubscription } from './feed-subscription.service';
import { SseSink } from './sse.sink';

/** A stream served outside Express logs its own line when the server ends it (Express's request logger's line). */
export interface StreamLogLine {
  id: string;
  started: number;
  actor: string | undefined;
}

/**
 * Opens SSE streams, for both ways in: the lean route before Express (feed-sse.gateway.ts), which serves every
 * accepted stream, and the Nest controller, which answers what the lean route hands on. One slot of the client's
 * live-connection cap is held until the response closes.
 */
@Injectable()
export class FeedSseStreams {
  constructor(
    private readonly hub: FeedHub,
    private readonly connections: FeedConnections,
    private readonly status: FeedStatus,
    @Inject(QUERY_CONFIG) private readonly config: QueryConfig,
    @Inject(ROOT_LOGGER) private readonly logger: PinoRoot,
  ) {}

  /**
   * Sends the stream's head and first frame on `res` and subscribes it from `q.after`. False, with nothing written,
   * when `ip` holds its cap of live connections.
   */
  open(res: ServerResponse, q: StreamQuery, ip: string, line?: StreamLogLine): boolean {
    const release = this.connections.acquire(ip);
    if (!release) return false;
    let sink: SseSink | null = null;
    let subscription: FeedSubscription | null = null;
    // The response's close event (not the request's) tells us the client is gone (dust-tt/dust PR 24357). One
    // listener for all of it, registered first so the slot is released whatever happens next. `on`, not `once`: a
    // response closes once, and `once` would hold a wrapper and a bound function per idle stream.
    res.on('close', () => {
      release();
      if (sink) {
        sink.gone();
        this.status.unfollow(sink);
      }
      if (subscription) this.hub.unsubscribe(subscription);
      // Express's logger writes its line on 'finish': a stream the server ended and flushed, not one the client left.
      if (line && res.writableFinished) {
        const url = res.req?.url ?? '';
        logRequestEnd(this.logger, { ...line, method: 'GET', url, status: res.statusCode, ms: performance.now() - line.started });
      }
    });
    sink = new SseSink(res, q.lang, this.config.FEED_RETRY_MS, this.config.FEED_SOCKET_HIGH_WATER_BYTES);
    // The feed's status first (whether items are late), when asked for (`status=true`), then history and live items.
    if (q.status) this.status.follow(sink);
    subscription = this.hub.subscribe(q, q.after, sink, 'sse');
    return true;
  }
}
