import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { EVENT_HEADERS, IncomingMessage, KafkaClient, ManagedConsumer, OutgoingMessage, Publisher, TopicNames } from '@newsroom/messaging';
import { Projection, ProjectionRunner, ProjectionRunnerOptions } from '@newsroom/projections';
import { createTestDatabase, TestDatabase, testKafka, testTopics } from '@newsroom/testing';
import { EventRelay, EventRelayOptions } from '../../../relay/src/relay/event-relay.service';
import { RelayCheckpoints } from '../../../relay/src/relay/relay-checkpoints.repository';

type Batch = { topic: string; partition: number; messages: IncomingMessage[] };

/**
 * The relay of one database, publishing to `topic` (through `publisher`, the client itself unless a test puts
 * something between them), with the partition chain the relay service gives it (the broker's partition count);
 * tests drive it with publishAll instead of its loop.
 */
export function testRelay(
  db: TestDatabase,
  store: PgEventStore,
  kafka: KafkaClient,
  topic: string,
  batchSize = 100,
  options: Partial<EventRelayOptions> & { publisher?: Publisher } = {},
): EventRelay {
  const { publisher = kafka, ...rest } = options;
  return new EventRelay(db.pool, store, publisher, new RelayCheckpoints(db.pool), {
    topic,
    batchSize,
    idleWaitMs: 50,
    maxBackoffMs: 500,
    leaderLockKey: 1,
    partitionCount: async () => (await kafka.topicOffsets(topic)).length,
    ...rest,
  });
}

/**
 * A relay whose broker acknowledges the records of the `lost` positions and keeps none of them (a crash with them
 * still in the page cache): on the topic the offsets run on without a hole. `dropped` lists what it dropped.
 */
export function losingRelay(
  db: TestDatabase,
  store: PgEventStore,
  kafka: KafkaClient,
  topic: string,
  lost: ReadonlySet<string>,
): { relay: EventRelay; dropped: string[] } {
  const dropped: string[] = [];
  const keeps = (m: OutgoingMessage) => {
    const header = m.headers?.[EVENT_HEADERS.globalPosition];
    const position = header === undefined ? undefined : String(header);
    if (position === undefined || !lost.has(position)) return true;
    dropped.push(position);
    return false;
  };
  const relay = testRelay(db, store, kafka, topic, 50, {
    publisher: { publish: (t, messages, options) => kafka.publish(t, messages.filter(keeps), options) },
  });
  return { relay, dropped };
}

/** Publishes everything the relay has not published yet. */
export async function publishAll(relay: EventRelay): Promise<void> {
  while ((await relay.publishOnce()) > 0);
}

interface ProjectorOptions {
  /** Options of the runner beyond the DLQ topic and 2 attempts (callbacks, the partition count, an upcaster). */
  runner?: Partial<ProjectionRunnerOptions>;
  /** The consumer group (default: a fresh one). */
  groupId?: string;
  partitionsConsumedConcurrently?: number;
  /** Runs each projection's afterCommit after a batch, as the projector service does (the feed watermark). */
  afterCommit?: boolean;
  /** Called with each batch once it is applied. */
  onBatch?: (batch: Batch) => void;
}

/**
 * The projector's path on real Postgres and Kafka, without the app: a fresh database (store, TypeORM data source),
 * the test's own events and DLQ topics, the relay, and projectors (a ProjectionRunner in a consumer group) started
 * on demand. `close()` (afterAll) stops and removes all of it.
 */
export interface ProjectorPipeline {
  db: TestDatabase;
  ds: DataSource;
  store: PgEventStore;
  kafka: KafkaClient;
  relay: EventRelay;
  prefix: string;
  topics: TopicNames;
  publishAll(): Promise<void>;
  /** read_model.feed_watermark's position, as text. */
  watermark(): Promise<string>;
  startProjector(projections: Projection[], options?: ProjectorOptions): Promise<{ runner: ProjectionRunner; consumer: ManagedConsumer }>;
  close(): Promise<void>;
}

export async function startPipeline(
  label: string,
  options: { partitions: number; relayBatchSize?: number; kafkaClientId?: string },
): Promise<ProjectorPipeline> {
  const { prefix, topics } = testTopics(label);
  const db = await createTestDatabase(label);
  const consumers: ManagedConsumer[] = [];
  let ds: DataSource | undefined;
  let kafka: KafkaClient | undefined;
  const close = async () => {
    for (const c of consumers) await c.stop();
    await kafka?.deleteTopics([topics.events, topics.eventsDlq]).catch(() => undefined);
    await kafka?.close();
    await ds?.destroy();
    await db.drop();
  };
  try {
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    kafka = testKafka(options.kafkaClientId ?? `${label}-test`);
    await kafka.ensureTopics([
      { topic: topics.events, partitions: options.partitions },
      { topic: topics.eventsDlq, partitions: 1 },
    ]);
  } catch (error) {
    await close();
    throw error;
  }
  const store = new PgEventStore(db.pool);
  const relay = testRelay(db, store, kafka, topics.events, options.relayBatchSize);
  const dataSource = ds;
  const client = kafka;
  return {
    db,
    ds: dataSource,
    store,
    kafka: client,
    relay,
    prefix,
    topics,
    publishAll: () => publishAll(relay),
    watermark: async () => String((await dataSource.query('SELECT position FROM read_model.feed_watermark'))[0].position),
    startProjector: async (projections, o = {}) => {
      const runner = new ProjectionRunner(dataSource, projections, client, { dlqTopic: topics.eventsDlq, maxAttempts: 2, ...o.runner });
      const consumer = client.consumer({
        groupId: o.groupId ?? `${label}-${randomUUID()}`,
        topics: [topics.events],
        partitionsConsumedConcurrently: o.partitionsConsumedConcurrently ?? 3,
        handler: async (batch) => {
          await runner.handleBatch(batch);
          if (o.afterCommit) for (const p of projections) await p.afterCommit?.(dataSource.manager);
          o.onBatch?.(batch);
        },
      });
      consumers.push(consumer);
      await consumer.start();
      return { runner, consumer };
    },
    close,
  };
}
