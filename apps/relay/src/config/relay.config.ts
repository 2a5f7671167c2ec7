import { z } from 'zod';
import { commonEnvSchema, loadConfig, port } from '@newsroom/platform';

const relayEnvSchema = commonEnvSchema.extend({
  RELAY_PORT: port(3003),
  RELAY_BATCH_SIZE: z.coerce.number().int().min(1).max(10000).default(500),
  RELAY_IDLE_WAIT_MS: z.coerce.number().int().min(10).max(60000).default(1000),
  RELAY_MAX_BACKOFF_MS: z.coerce.number().int().min(100).max(120000).default(5000),
});

export type RelayConfig = z.infer<typeof relayEnvSchema>;
export const RELAY_CONFIG = Symbol('RELAY_CONFIG');
export const loadRelayConfig = (env: NodeJS.ProcessEnv = process.env): RelayConfig => loadConfig(relayEnvSchema, env);
