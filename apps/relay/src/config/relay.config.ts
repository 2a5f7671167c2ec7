import { z } from 'zod';
import { commonEnvSchema, loadConfig, port } from '@newsroom/platform';

const relayEnvSchema = commonEnvSchema.extend({
  RELAY_PORT: port(3003),
  // The nice value this worker runs at (0-19): its work may wait a few milliseconds when the cores are all busy, the
  // reports and writes a person waits on may not. 0, the default: the priority it was started with; on a machine
  // saturated for long a lowered worker falls seconds behind (README, Configuration).
  RELAY_NICE: z.coerce.number().int().min(0).max(19).default(0),
  RELAY_BATCH_SIZE: z.coerce.number().int().min(1).max(10000).default(500),
  RELAY_IDLE_WAIT_MS: z.coerce.number().int().min(10).max(60000).default(1000),
  RELAY_MAX_BACKOFF_MS: z.coerce.number().int().min(100).max(120000).default(5000),
  // The records of one produce request add up to at most this (1 MiB: below the broker's default message.max.bytes);
  // capped at what one topic batch takes under NEWSROOM_MAX_EVENT_BYTES. A larger event goes in a request of its own.
  RELAY_BATCH_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(16 * 1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
});

export type RelayConfig = z.infer<typeof relayEnvSchema>;
export const RELAY_CONFIG = Symbol('RELAY_CONFIG');
export const loadRelayConfig = (env: NodeJS.ProcessEnv = process.env): RelayConfig => loadConfig(relayEnvSchema, env);
