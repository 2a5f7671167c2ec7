import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toWireEvent, toWireMessage } from '@newsroom/messaging';
import { consumerPerformance, producerPerformance } from '../measures/kafka-tools.measure';
import { bareKafkajsConsumer, bareKafkajsProducer } from '../measures/kafkajs.measure';
import { benchKafka, benchTopics, dropTopics, EVENTS_PARTITIONS } from '../support/bench-kafka';
import { benchEnvelope, benchSubject, toStored } from '../support/event-shape';
import { GroupContext } from './group-context';

/**
 * Kafka's ceilings on this machine, with our messages on our topic settings (6 partitions, replication 1,
 * acks=all): the broker's own producer and consumer tools, then kafkajs alone with a bare client.
 */
export async function kafkaGroup(ctx: GroupContext): Promise<void> {
  const { plan, config } = ctx;
  const topics = benchTopics('kafka');
  ctx.onCleanup(() => dropTopics(config.kafkaBrokers, topics));
  const perfTopic = topics.extra('perf.v1');
  const kafkajsTopic = topics.extra('kafkajs.v1');
  const admin = benchKafka(config.kafkaBrokers, 'bench-kafka-admin');
  await admin.ensureTopics([perfTopic, kafkajsTopic].map((topic) => ({ topic, partitions: EVENTS_PARTITIONS })));
  await admin.close();

  // The same 1 KB wire events the relay publishes, keyed by stream, with the relay's headers.
  const stored = Array.from({ length: 1000 }, (_, i) => toStored(benchEnvelope(i, benchSubject('k', i % 200)), i + 1));
  const dir = join(config.tmpDir, ctx.input.runId);
  mkdirSync(dir, { recursive: true });
  const payloadFile = join(dir, 'kafka-payloads.txt');
  writeFileSync(payloadFile, stored.map((e) => JSON.stringify(toWireEvent(e))).join('\n') + '\n');
  ctx.onCleanup(() => rmSync(payloadFile, { force: true }));

  const env = ctx.appEnv({});
  const records = plan.kafkaRecords;
  ctx.add(
    'kafka.producerPerf',
    await producerPerformance({ brokers: config.kafkaBrokers, topic: perfTopic, records, payloadFile, env }),
    `${records} records, acks=all, steady state`,
  );
  ctx.add(
    'kafka.consumerPerf',
    await consumerPerformance({ brokers: config.kafkaBrokers, topic: perfTopic, records, group: `${topics.prefix}perf`, env }),
    `${records} records`,
  );

  const produced = await bareKafkajsProducer({
    brokers: config.kafkaBrokers,
    topic: kafkajsTopic,
    messages: stored.map((e) => toWireMessage(e)),
    batch: plan.batchSize,
    timing: { warmupMs: plan.warmupMs, measureMs: plan.measureMs },
  });
  ctx.add('kafkajs.producer', produced.rate, `sendBatch of ${plan.batchSize}, keys and headers, maxInFlightRequests 1`);
  const consumed = await bareKafkajsConsumer({
    brokers: config.kafkaBrokers,
    topic: kafkajsTopic,
    expected: produced.total,
    groupId: `${topics.prefix}kafkajs`,
    timeoutMs: 60_000,
  });
  ctx.add('kafkajs.consumer', consumed, `${produced.total} records, partitionsConsumedConcurrently 3`);
}
