import { z } from 'zod';
import { maxEventBytesSetting } from './limits.config';

/** Validates the environment once at boot and fails fast with every problem listed. */
export function loadConfig<T extends z.ZodTypeAny>(schema: T, env: NodeJS.ProcessEnv = process.env): z.infer<T> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

const origins = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((o) => o.trim().replace(/\/+$/, ''))
      .filter(Boolean),
  );

/** HTTP hardening every service shares; read by bootstrapHttp (and the WebSocket gateway for the Origin list). */
export function httpEnvShape() {
  return {
    /** Browser origins allowed to call the API cross-site (CORS) and to open the feed WebSocket. Empty: none. */
    NEWSROOM_CORS_ORIGINS: origins,
    /** Headers must arrive within this time (slow-header clients are cut). Stays above the 65 s keep-alive. */
    NEWSROOM_HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600000).default(66000),
    /** The whole request (headers and body, not the response: SSE and WebSockets are unaffected) within this time. */
    NEWSROOM_HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3600000).default(120000),
    /** Open TCP connections per process; over it the socket is closed at once. 0 = no cap. */
    NEWSROOM_HTTP_MAX_CONNECTIONS: z.coerce.number().int().min(0).max(10000000).default(25000),
    /**
     * At shutdown, how long kept-alive connections may still send a request (served, answered with
     * `Connection: close`) before the idle ones are closed; the drain ends sooner once every connection has closed.
     */
    NEWSROOM_HTTP_DRAIN_MS: z.coerce.number().int().min(0).max(60000).default(1000),
    /** The supervisor that started this process (`npm start`): once it is gone, the service shuts down. */
    NEWSROOM_SUPERVISOR_PID: z.coerce.number().int().min(2).optional(),
  };
}
export const httpEnvSchema = z.object(httpEnvShape());
export type HttpEnv = z.infer<typeof httpEnvSchema>;

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/** Settings every service shares. Each app extends this with its own in its `config/` folder. */
export const commonEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/newsroom'),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:9092')
    .transform((s) =>
      s
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
    ),
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/)
    .default(''),
  KAFKA_EVENTS_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(6),
  /**
   * How long a consumer group waits for a member that stopped heartbeating (a process killed -9, a host gone)
   * before its partitions go to the others. kafkajs has no static membership: a restarted process joins as a new
   * member, and the group's rebalance waits out the old one's session, so this bounds how soon a crashed
   * projector or ingest consumes again. Lower is faster failover and less tolerance of a stalled process; the
   * broker accepts 6 s to 30 min by default (group.min/max.session.timeout.ms).
   */
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6000).max(1800000).default(30000),
  /** The largest Kafka record one event may become; every size limit derives from it (config/limits.config.ts). */
  NEWSROOM_MAX_EVENT_BYTES: maxEventBytesSetting,
  /** Replicas of each topic the apps create (3 on a three-broker cluster); existing topics are left as they are. */
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(32).default(1),
  /** `min.insync.replicas` of the topics the apps create: with acks=all, a write needs this many replicas. */
  KAFKA_MIN_INSYNC_REPLICAS: z.coerce.number().int().min(1).max(32).default(1),
  /**
   * SASL on the Kafka connection (a broker with SASL/SCRAM users and ACLs, infra/kafka KAFKA_SASL=true): empty is
   * no SASL; otherwise this service's user and password (both required, see kafkaSasl in libs/messaging).
   */
  KAFKA_SASL_MECHANISM: z.enum(['', 'scram-sha-512', 'scram-sha-256', 'plain']).default(''),
  KAFKA_SASL_USERNAME: z.string().default(''),
  KAFKA_SASL_PASSWORD: z.string().default(''),
  NEWSROOM_API_KEYS: z.string().default(''),
  /** A file of `secret:scope` lines (or commas), re-read on SIGHUP and when it changes: keys rotate without a restart. */
  NEWSROOM_API_KEYS_FILE: z.string().default(''),
  NEWSROOM_REQUIRE_READ_KEY: bool.default(false),
  ...httpEnvShape(),
});

export type CommonConfig = z.infer<typeof commonEnvSchema>;
export { bool as envBoolean };
