import { z } from 'zod';
import { commonEnvSchema, envBoolean, loadConfig, port } from '@newsroom/platform';

const projectorEnvSchema = commonEnvSchema.extend({
  PROJECTOR_PORT: port(3002),
  // The nice value this worker runs at (0-19): its work may wait a few milliseconds when the cores are all busy, the
  // reports and writes a person waits on may not. 0, the default: the priority it was started with; on a machine
  // saturated for long a lowered worker falls seconds behind (README, Configuration).
  PROJECTOR_NICE: z.coerce.number().int().min(0).max(19).default(0),
  PROJECTOR_GROUP_ID: z.string().min(1).default('newsroom-projector'),
  PROJECTOR_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
  /** Replace the consumer when the feed watermark stands still this long behind the store's head (0 = never). */
  PROJECTOR_STALL_RESTART_MS: z.coerce.number().int().min(0).max(3600000).default(30000),
  // Batches of different partitions applied at once (one transaction each): as many as the topic has by default.
  PROJECTOR_PARTITIONS_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(6),
  // Batches of at most this many messages that one fetch hands over together share one transaction (their fixed
  // cost paid once: low rates make batches of a few events); larger ones keep their own. 0 = every batch alone, the
  // default: measured in the stack it saved nothing (README, Performance, the reports' line).
  PROJECTOR_GROUP_BATCHES_UP_TO: z.coerce.number().int().min(0).max(100000).default(0),
  // Rebuilds: groups of read models folded side by side, each on its own connection (five: the four heavy read
  // models each get their own, the light ones share the fifth).
  PROJECTOR_REBUILD_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(5),
  // A read model added to a running system gets its history folded in by the projector, in the background (a
  // rebuild); off, the projector only names the rebuild to run.
  PROJECTOR_BACKFILL: envBoolean.default(true),
});

export type ProjectorConfig = z.infer<typeof projectorEnvSchema>;
export const PROJECTOR_CONFIG = Symbol('PROJECTOR_CONFIG');
export const loadProjectorConfig = (env: NodeJS.ProcessEnv = process.env): ProjectorConfig => loadConfig(projectorEnvSchema, env);
