import { z } from 'zod';
import { commonEnvSchema, loadConfig, port } from '@newsroom/platform';

const queryEnvSchema = commonEnvSchema.extend({
  QUERY_PORT: port(3000),
  FEED_HEARTBEAT_MS: z.coerce.number().int().min(100).max(300000).default(15000),
  FEED_RETRY_MS: z.coerce.number().int().min(100).max(600000).default(2000),
  /** Items a live subscriber may have waiting before it is disconnected as too slow. */
  FEED_MAX_BUFFERED_ITEMS: z.coerce.number().int().min(1).max(1000000).default(2000),
  FEED_POLL_MS: z.coerce.number().int().min(20).max(60000).default(1000),
  /** An event recorded this long ago and not in the feed yet makes the live stream say `delayed` (event: status). */
  FEED_DELAYED_AFTER_MS: z.coerce.number().int().min(100).max(3600000).default(5000),
  FEED_MAX_SUBSCRIBERS: z.coerce.number().int().min(1).max(1000000).default(20000),
  /** A subscriber whose socket has taken nothing for this long (history or live) is disconnected as stalled. */
  FEED_STALL_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3600000).default(60000),
  /** Bytes a connection (SSE or WebSocket) may have waiting in its socket buffer before items queue instead. */
  FEED_SOCKET_HIGH_WATER_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(64 * 1024),
  /** HTTP requests a client IP may make per second on the query API (token bucket; 0 = no limit). */
  QUERY_READ_RATE_PER_IP: z.coerce.number().min(0).max(1000000).default(100),
  /** Requests a client IP may make at once before the rate applies. */
  QUERY_READ_BURST_PER_IP: z.coerce.number().int().min(1).max(1000000).default(200),
  /** Live connections (SSE streams + WebSockets, subscribed or not) one IP may hold on an instance; 0 = no cap. */
  FEED_MAX_CONNECTIONS_PER_IP: z.coerce.number().int().min(0).max(1000000).default(1000),
  /**
   * How long a report asked for `minPosition` waits for the read models to hold every event up to it before it
   * answers 503 READ_MODEL.BEHIND (0: it never waits).
   */
  QUERY_MIN_POSITION_WAIT_MS: z.coerce.number().int().min(0).max(60000).default(5000),
  /** A WebSocket that has not sent a subscribe message within this time is closed (FEED.SUBSCRIBE_EXPECTED). */
  FEED_WS_SUBSCRIBE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600000).default(10000),
  /**
   * The query service's public origin (`https://news.example.org`), for the links documents carry (Atom's self and
   * entry links). Unset: the request's own Host, which a client chooses; behind a shared cache, set it.
   */
  NEWSROOM_PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://news.example.org' })
    .optional()
    .transform((v) => v?.replace(/\/+$/, '')),
});

export type QueryConfig = z.infer<typeof queryEnvSchema>;
export const QUERY_CONFIG = Symbol('QUERY_CONFIG');
/** The read rate-limit policy (RateLimitPolicy) of the query service's guard and of the SSE stream's lean route. */
export const QUERY_READ_LIMIT = Symbol('QUERY_READ_LIMIT');
export const loadQueryConfig = (env: NodeJS.ProcessEnv = process.env): QueryConfig => loadConfig(queryEnvSchema, env);
