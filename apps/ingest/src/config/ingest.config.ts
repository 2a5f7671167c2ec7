import { z } from 'zod';
import { commonEnvSchema, defaultBodyLimitBytes, loadConfig, port } from '@newsroom/platform';

const ingestEnvSchema = commonEnvSchema.extend({
  INGEST_PORT: port(3001),
  /** Unset: derived from NEWSROOM_MAX_EVENT_BYTES (twice the largest event, 2048kb at the default; limits.config.ts). */
  INGEST_BODY_LIMIT: z
    .string()
    .regex(/^\d+(kb|mb)$/)
    .optional(),
  INGEST_SUBMISSIONS_GROUP_ID: z.string().min(1).default('newsroom-ingest-submissions'),
  INGEST_CONSUME_SUBMISSIONS: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  // Bounds of the event store's waiting queues; past them a write is refused at once with 503 + Retry-After.
  INGEST_APPEND_QUEUE_MAX_SUBMISSIONS: z.coerce.number().int().min(1).default(5000),
  INGEST_APPEND_QUEUE_MAX_EVENTS: z.coerce.number().int().min(1).default(20000),
  INGEST_WRITE_READS_QUEUE_MAX: z.coerce.number().int().min(1).default(5000),
  /**
   * A write answers within this many ms (503 STORE.TIMEOUT, recorded "unknown", past it); 0 = no deadline. Above
   * one statement's client timeout (DATABASE_QUERY_TIMEOUT_MS, 35 s by default) so a single slow statement answers first.
   */
  INGEST_WRITE_DEADLINE_MS: z.coerce.number().int().min(0).max(600000).default(40000),
  INGEST_BUSY_RETRY_AFTER_S: z.coerce.number().int().min(1).max(3600).default(1),
  /** Write requests an API key may make per second (token bucket per key; 0 = no limit). Generous by default. */
  INGEST_WRITE_RATE_PER_KEY: z.coerce.number().min(0).max(10000000).default(5000),
  /** Write requests a key may make at once before the rate applies. */
  INGEST_WRITE_BURST_PER_KEY: z.coerce.number().int().min(1).max(10000000).default(10000),
});

const ingestConfigSchema = ingestEnvSchema.transform((c) => ({
  ...c,
  INGEST_BODY_LIMIT: c.INGEST_BODY_LIMIT ?? `${Math.ceil(defaultBodyLimitBytes(c.NEWSROOM_MAX_EVENT_BYTES) / 1024)}kb`,
}));

export type IngestConfig = z.infer<typeof ingestConfigSchema>;
export const INGEST_CONFIG = Symbol('INGEST_CONFIG');
export const loadIngestConfig = (env: NodeJS.ProcessEnv = process.env): IngestConfig => loadConfig(ingestConfigSchema, env);
