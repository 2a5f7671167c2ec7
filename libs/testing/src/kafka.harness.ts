import { randomBytes } from 'node:crypto';
import { KafkaClient, topicNames, TopicNames } from '@newsroom/messaging';

export const TEST_KAFKA_BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

/** Topic names of their own for one test file (the prefix is what apps take as KAFKA_TOPIC_PREFIX). */
export function testTopics(label: string): { prefix: string; topics: TopicNames } {
  const prefix = `t.${label.replace(/[^a-z0-9]/gi, '-').slice(0, 30)}.${randomBytes(3).toString('hex')}.`;
  return { prefix, topics: topicNames(prefix) };
}

export function testKafka(clientId: string, brokers: string[] = TEST_KAFKA_BROKERS): KafkaClient {
  return new KafkaClient({ clientId, brokers });
}
