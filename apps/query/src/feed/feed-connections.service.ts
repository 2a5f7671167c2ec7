import { Inject, Injectable } from '@nestjs/common';
import { ProblemError } from '@newsroom/platform';
import { QUERY_CONFIG, QueryConfig } from '../config/query.config';

/**
 * Live connections (SSE streams and WebSockets, subscribed or not) held per client IP on this instance, so one
 * client cannot take every subscriber slot. A Map of counters: O(1) per connect and close, an entry only while
 * that IP holds a connection.
 */
@Injectable()
export class FeedConnections {
  private readonly perIp = new Map<string, number>();

  constructor(@Inject(QUERY_CONFIG) private readonly config: QueryConfig) {}

  /** `ip` holds its cap: `acquire` would refuse it. */
  atCap(ip: string): boolean {
    const max = this.config.FEED_MAX_CONNECTIONS_PER_IP;
    return max > 0 && (this.perIp.get(ip) ?? 0) >= max;
  }

  /** Takes a slot for `ip`; returns the release function (call it once), or null when the IP is at its cap. */
  acquire(ip: string): (() => void) | null {
    if (this.atCap(ip)) return null;
    this.perIp.set(ip, (this.perIp.get(ip) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.perIp.get(ip) ?? 1) - 1;
      if (left > 0) this.perIp.set(ip, left);
      else this.perIp.delete(ip);
    };
  }

  /** 429 for the connection over the cap: the client should close one of its others, or come back later. */
  tooMany(): ProblemError {
    const max = this.config.FEED_MAX_CONNECTIONS_PER_IP;
    const retryAfter = Math.max(1, Math.ceil(this.config.FEED_RETRY_MS / 1000));
    return new ProblemError(
      429,
      'FEED.TOO_MANY_CONNECTIONS',
      'Too many live connections',
      `this address already holds ${max} live feed connections (SSE and WebSocket) on this instance`,
      undefined,
      { retryAfter },
      {
        'Retry-After': String(retryAfter),
      },
    );
  }
}
