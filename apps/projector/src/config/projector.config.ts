import { z } from 'zod';
import { commonEnvSchema, loadConfig, port } from '@newsroom/platform';

const projectorEnvSchema = commonEnvSchema.extend({
  PROJECTOR_PORT: port(3002),
  PROJECTOR_GROUP_ID: z.string().min(1).default('newsroom-projector'),
  PROJECTOR_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
  PROJECTOR_PARTITIONS_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(3),
});

export type ProjectorConfig = z.infer<typeof projectorEnvSchema>;
export const PROJECTOR_CONFIG = Symbol('PROJECTOR_CONFIG');
export const loadProjectorConfig = (env: NodeJS.ProcessEnv = process.env): ProjectorConfig =>
  loadConfig(projectorEnvSchema, env);
