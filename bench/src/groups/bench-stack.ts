import { randomBytes } from 'node:crypto';
import { BenchDatabase, createBenchDatabase } from '../support/bench-database';
import { BenchTopics, benchTopics, dropTopics } from '../support/bench-kafka';
import { GroupContext } from './group-context';

export interface BenchStack {
  db: BenchDatabase;
  topics: BenchTopics;
  /** A write key of this stack's own. */
  key: string;
  /** What every app of the stack gets: its database, its topic prefix, its consumer groups, the key. */
  env: Record<string, string>;
}

/** A fresh database and topic prefix for one stack of apps; both go away at the group's clean-up. */
export async function benchStack(ctx: GroupContext, label: string, poolMax: number): Promise<BenchStack> {
  const db = await createBenchDatabase(ctx.config.serverUrl, label, poolMax);
  ctx.onCleanup(() => db.drop());
  const topics = benchTopics(label);
  ctx.onCleanup(() => dropTopics(ctx.config.kafkaBrokers, topics));
  const key = `bench-${randomBytes(12).toString('hex')}`;
  const env = {
    DATABASE_URL: db.url,
    KAFKA_TOPIC_PREFIX: topics.prefix,
    NEWSROOM_API_KEYS: `${key}:write`,
    PROJECTOR_GROUP_ID: `${topics.prefix}projector`,
    INGEST_SUBMISSIONS_GROUP_ID: `${topics.prefix}submissions`,
    // The bench plays thousands of readers from one address (loopback): the per-IP read and live-connection
    // limits, meant for one client each, are off. The per-key write limit stays at its default (generous).
    QUERY_READ_RATE_PER_IP: '0',
    FEED_MAX_CONNECTIONS_PER_IP: '0',
  };
  return { db, topics, key, env };
}
