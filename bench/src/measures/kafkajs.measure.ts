import { fork } from 'node:child_process';
import { join } from 'node:path';
import { CompressionTypes, Kafka, logLevel, Message, Partitioners } from 'kafkajs';
import { ROOT } from '../config/bench.config';
import type { BareKafkajsAnswer, BareKafkajsCommand } from './kafkajs-bare.process';
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

/** Runs one measure above in a process that loads kafkajs alone (`kafkajs-bare.process.ts` says why). */
function inBareProcess<T>(command: BareKafkajsCommand): Promise<T> {
  const child = fork(join(__dirname, 'kafkajs-bare.process.js'), [], {
    cwd: ROOT,
    execArgv: ['-r', join(ROOT, 'scripts', 'register-paths.js')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // A session of its own, as the relay and the projector it stands beside run in (`bench-apps.ts` says why); it
    // exits when the bench's channel to it closes.
    detached: true,
  });
  return new Promise<T>((resolve, reject) => {
    let answered = false;
    child.once('message', (answer: BareKafkajsAnswer) => {
      answered = true;
      if (answer.ok) resolve(answer.value as T);
      else reject(new Error(`bare kafkajs ${command.kind}: ${answer.error}`));
    });
    child.once('exit', (code) => {
      if (!answered) reject(new Error(`bare kafkajs ${command.kind} exited (${code}) without an answer`));
    });
    child.send(command);
  });
}

export const bareKafkajsProducer = (options: Parameters<typeof kafkajsProducer>[0]) =>
  inBareProcess<Awaited<ReturnType<typeof kafkajsProducer>>>({ kind: 'producer', options });
export const bareKafkajsConsumer = (options: Parameters<typeof kafkajsConsumer>[0]) => inBareProcess<number>({ kind: 'consumer', options });
