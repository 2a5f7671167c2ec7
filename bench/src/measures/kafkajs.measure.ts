import { CompressionTypes, Kafka, logLevel, Message, Partitioners } from 'kafkajs';
import { closedLoop, LoadResult } from '../support/load';
import { sleep } from '../support/say';

/** The settings KafkaClient uses, on a bare kafkajs client: no wrapper, no relay, just the library. */
const bare = (brokers: string[], clientId: string) => new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING, retry: { retries: 5 } });

/** sendBatch of 100 messages at a time, one request in flight (what keeps per-key order), acks = -1. */
export async function kafkajsProducer(options: {
  brokers: string[];
  topic: string;
  messages: Message[];
  batch: number;
  timing: { warmupMs: number; measureMs: number };
}): Promise<LoadResult & { total: number }> {
  const producer = bare(options.brokers, 'bench-kafkajs-producer').producer({
    allowAutoTopicCreation: false,
    idempotent: false,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  let total = 0;
  try {
    const result = await closedLoop({ concurrency: 1, ...options.timing }, async (_w, i) => {
      const start = (i * options.batch) % options.messages.length;
      const messages = options.messages.slice(start, start + options.batch);
      await producer.sendBatch({ topicMessages: [{ topic: options.topic, messages }], acks: -1, compression: CompressionTypes.None });
      total += messages.length;
      return messages.length;
    });
    return { ...result, total };
  } finally {
    await producer.disconnect();
  }
}

/** A consumer group reading the topic from the beginning with a no-op eachBatch; rate from first batch to last. */
export async function kafkajsConsumer(options: {
  brokers: string[];
  topic: string;
  expected: number;
  groupId: string;
  timeoutMs: number;
}): Promise<number> {
  const consumer = bare(options.brokers, 'bench-kafkajs-consumer').consumer({
    groupId: options.groupId,
    maxWaitTimeInMs: 100,
    allowAutoTopicCreation: false,
  });
  let count = 0;
  let first = 0;
  let firstCount = 0;
  let last = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: options.topic, fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: 3,
      eachBatch: async ({ batch }) => {
        const now = performance.now();
        if (!first) {
          first = now;
          firstCount = batch.messages.length;
        }
        count += batch.messages.length;
        last = now;
      },
    });
    const deadline = performance.now() + options.timeoutMs;
    while (count < options.expected && performance.now() < deadline) await sleep(50);
  } finally {
    await consumer.disconnect();
  }
  if (count <= firstCount || last <= first) throw new Error(`kafkajs consumer read ${count} of ${options.expected} messages`);
  return ((count - firstCount) * 1000) / (last - first);
}
