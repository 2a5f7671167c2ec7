import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaClient, topicNames, TopicNames } from '@newsroom/messaging';

/** The partition count of newsroom.events.v1 (PRODUCT.md's default); every Kafka figure uses these settings. */
export const EVENTS_PARTITIONS = 6;

export interface BenchTopics {
  prefix: string;
  names: TopicNames;
  /** Another topic under the run's prefix (baselines use their own). */
  extra(name: string): string;
}

/** A topic prefix of this run's own, so runs never collide with each other or with tests. */
export function benchTopics(label: string): BenchTopics {
  const prefix = `bench.${label}.${randomBytes(3).toString('hex')}.`;
  return { prefix, names: topicNames(prefix), extra: (name) => `${prefix}${name}` };
}

export function benchKafka(brokers: string[], clientId: string): KafkaClient {
  return new KafkaClient({ clientId, brokers });
}

/**
 * Deletes every topic and consumer group under the run's prefix (apps create some topics; every group id the
 * bench hands out starts with the prefix); best effort.
 */
export async function dropTopics(brokers: string[], topics: BenchTopics): Promise<void> {
  const admin = new Kafka({ clientId: 'bench-cleanup', brokers, logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(topics.prefix));
    if (mine.length) await admin.deleteTopics({ topics: mine, timeout: 15_000 });
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(topics.prefix));
    if (groups.length) await admin.deleteGroups(groups);
  } catch {
    /* the results matter more than the clean-up */
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
