import { z } from 'zod';
import { commonEnvSchema, loadConfig, port } from '@newsroom/platform';

const ingestEnvSchema = commonEnvSchema.extend({
  INGEST_PORT: port(3001),
  INGEST_BODY_LIMIT: z.string().regex(/^\d+(kb|mb)$/).default('2mb'),
  INGEST_SUBMISSIONS_GROUP_ID: z.string().min(1).default('newsroom-ingest-submissions'),
  INGEST_CONSUME_SUBMISSIONS: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
});

export type IngestConfig = z.infer<typeof ingestEnvSchema>;
export const INGEST_CONFIG = Symbol('INGEST_CONFIG');
export const loadIngestConfig = (env: NodeJS.ProcessEnv = process.env): IngestConfig => loadConfig(ingestEnvSchema, env);
