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

/**
 * Waits until a consumer group is Stable with `members` members (every projector instance joined and assigned),
 * or `timeoutMs` passes; true when it is.
 */
export async function waitGroupStable(brokers: string[], groupId: string, members: number, timeoutMs: number): Promise<boolean> {
  const admin = new Kafka({ clientId: 'bench-group-watch', brokers, logLevel: logLevel.NOTHING }).admin();
  const deadline = Date.now() + timeoutMs;
  try {
    await admin.connect();
    while (Date.now() < deadline) {
      const { groups } = await admin.describeGroups([groupId]);
      const g = groups[0];
      if (g && g.state === 'Stable' && g.members.length === members && g.members.every((m) => m.memberAssignment.length > 0)) return true;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
