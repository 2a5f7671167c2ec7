import { BrokerUnreachableNotice } from './broker-unreachable.util';
import { Admin, ConfigResourceTypes, Kafka, logLevel, Producer, Partitioners, CompressionTypes, type SASLOptions } from 'kafkajs';
import './kafkajs-request-queue.util';
import './kafkajs-encoder.util';
import { allowDecompressedBatchBytesFor } from './kafka-compression.codec';
import { Logger } from '@nestjs/common';
import { chunkByBytes, DEFAULT_MAX_EVENT_BYTES, metric, publishBudgetBytes, recordBytes } from '@newsroom/platform';
import { OutgoingMessage, Publisher, PublishOptions, TopicSpec } from './messaging.types';
import { fitDeadLetter } from './dead-letter.util';
import { ManagedConsumer } from './managed.consumer';
import { ConsumerOptions } from './messaging.types';
import { PartitionsChosen, recordingPartitioner, UnacknowledgedSendError, unacknowledgedPartitions } from './acknowledged-partitions.util';

/** SASL credentials of one service (KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD). */
export interface KafkaSasl {
  mechanism: 'scram-sha-512' | 'scram-sha-256' | 'plain';
  username: string;
  password: string;
}

/**
 * The SASL options from a service's settings: none when KAFKA_SASL_MECHANISM is empty; a mechanism without a
 * user or password is a configuration error (the service would otherwise connect unauthenticated and be refused).
 */
export function kafkaSasl(config: {
  KAFKA_SASL_MECHANISM?: string;
  KAFKA_SASL_USERNAME?: string;
  KAFKA_SASL_PASSWORD?: string;
}): KafkaSasl | undefined {
  const mechanism = config.KAFKA_SASL_MECHANISM ?? '';
  if (!mechanism) return undefined;
  if (!['scram-sha-512', 'scram-sha-256', 'plain'].includes(mechanism))
    throw new Error(`KAFKA_SASL_MECHANISM ${mechanism} is not one of scram-sha-512, scram-sha-256, plain`);
  if (!config.KAFKA_SASL_USERNAME || !config.KAFKA_SASL_PASSWORD)
    throw new Error('KAFKA_SASL_MECHANISM is set: KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required');
  return { mechanism: mechanism as KafkaSasl['mechanism'], username: config.KAFKA_SASL_USERNAME, password: config.KAFKA_SASL_PASSWORD };
}

/** How long ensureTopics waits for every partition of a topic it created to have a leader. */
const TOPIC_LEADER_WAIT_MS = 30_000;
const LEADER_SETTLING_ERRORS = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_FOR_PARTITION']);

/**
 * Polls topic metadata until every partition of each topic (as many as its spec asks) has an elected leader.
 * Right after CreateTopics a broker can answer UNKNOWN_TOPIC_OR_PARTITION or LEADER_NOT_AVAILABLE for a while;
 * those are waited out, any other error is thrown, and so is a wait longer than `timeoutMs`.
 */
export async function waitForPartitionLeaders(
  admin: Pick<Admin, 'fetchTopicMetadata'>,
  topics: Pick<TopicSpec, 'topic' | 'partitions'>[],
  timeoutMs: number,
  pauseMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'no metadata yet';
  for (;;) {
    try {
      const { topics: described } = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.topic) });
      const unsettled = topics.filter((spec) => {
        const found = described.find((d) => d.name === spec.topic);
        const led = found?.partitions.filter((p) => p.leader >= 0).length ?? 0;
        return led < spec.partitions;
      });
      if (unsettled.length === 0) return;
      lastProblem = `partitions without a leader in ${unsettled.map((t) => t.topic).join(', ')}`;
    } catch (error) {
      // kafkajs' retrier hands back the protocol error itself, or wraps it once its retries run out.
      const type = (error as { type?: string }).type ?? (error as { cause?: { type?: string } }).cause?.type;
      if (!type || !LEADER_SETTLING_ERRORS.has(type)) throw error;
      lastProblem = `${type}: ${(error as Error).message}`;
    }
    if (Date.now() >= deadline) throw new Error(`Kafka topics created but not led after ${timeoutMs} ms (${lastProblem})`);
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}

export interface KafkaClientOptions {
  clientId: string;
  brokers: string[];
  /** SASL (over plaintext: the broker is reached on a private network) for a broker with users and ACLs. */
  sasl?: KafkaSasl;
  connectionTimeoutMs?: number;
  /** How long ensureTopics waits for the partitions of the topics it created to have leaders (TOPIC_LEADER_WAIT_MS). */
  topicLeaderWaitMs?: number;
  /** NEWSROOM_MAX_EVENT_BYTES: one send carries at most a topic batch's worth of it (config/limits.config.ts). */
  maxEventBytes?: number;
  /** KAFKA_SESSION_TIMEOUT_MS: the session timeout of the consumers this client makes, unless one sets its own. */
  sessionTimeoutMs?: number;
}

const kafkaLogger = new Logger('kafkajs');
const unacknowledgedSends = () =>
  metric('counter', {
    name: 'messaging_unacknowledged_sends_total',
    help: 'Sends kafkajs resolved with partitions it never wrote (dropped on a retry after a leader moved), failed and made again',
    labelNames: ['topic'],
  });
const MAX_MESSAGE_BYTES = 'max.message.bytes';
/**
 * Protocol errors a broker answers while its metadata settles: a topic just created before its partitions have
 * leaders, a leader that moved, the group coordinator before `__consumer_offsets` exists or loads. kafkajs logs each such answer as an
 * ERROR ("Response Metadata(...)") and then retries it itself; when its retries run out the failure reaches our code,
 * which logs it. By their messages, as kafkajs' log entry carries only the message (protocol/error.js).
 */
const SETTLING_ANSWERS = new Set([
  'This server does not host this topic-partition', // UNKNOWN_TOPIC_OR_PARTITION
  'There is no leader for this topic-partition as we are in the middle of a leadership election', // LEADER_NOT_AVAILABLE
  'This server is not the leader for that topic-partition', // NOT_LEADER_FOR_PARTITION (a leader moved)
  'The group coordinator is not available', // GROUP_COORDINATOR_NOT_AVAILABLE
  "The coordinator is loading and hence can't process requests for this group", // GROUP_LOAD_IN_PROGRESS
  'This is not the correct coordinator for this group', // NOT_COORDINATOR_FOR_GROUP
]);

/**
 * The level a kafkajs log entry is written at: its own, except a broker's settling answer to a request (see
 * SETTLING_ANSWERS) and a topic creation's answer, which are DEBUG, and a consumer's crash on a settling answer,
 * WARN. A first `npm start` otherwise shows a row of ERROR lines while the topics it just created get their
 * leaders, though nothing failed.
 */
export function kafkajsLogLevel(level: logLevel, log: { message: string; error?: unknown }): logLevel {
  if (level !== logLevel.ERROR) return level;
  // A consumer that crashed on a settling answer (a group coordinator still loading, at a first start): the
  // ManagedConsumer replaces it with backoff and says so at WARN; kafkajs' own line about it is a WARN too. A fresh
  // clone's CI run saw one of GROUP_LOAD_IN_PROGRESS at a stack's first start.
  const crash = /^Crash: KafkaJSProtocolError: (.*)$/.exec(log.message);
  if (crash) return SETTLING_ANSWERS.has(crash[1]) ? logLevel.WARN : level;
  if (!log.message.startsWith('Response ')) return level;
  if (SETTLING_ANSWERS.has(String(log.error))) return logLevel.DEBUG;
  // Two services creating the same topics at once: the broker answers TOPIC_ALREADY_EXISTS to one, inside this
  // aggregate, and kafkajs' createTopics takes that as done. Any other topic error rejects createTopics, and
  // ensureTopics reports it ("could not ensure topics yet").
  if (log.message.startsWith('Response CreateTopics(') && log.error === 'Topic creation errors') return logLevel.DEBUG;
  return level;
}

const toNestLog = (brokers: readonly string[]) => () => {
  const unreachable = new BrokerUnreachableNotice(brokers);
  return ({ level, log }: { level: logLevel; log: { message: string; [k: string]: unknown } }) => {
    const { message, timestamp: _t, logger: _l, ...rest } = log;
    const line = `${message} ${Object.keys(rest).length ? JSON.stringify(rest) : ''}`.trim();
    const notice = level <= logLevel.WARN ? unreachable.take(message) : undefined;
    if (notice !== undefined) return notice === null ? kafkaLogger.debug(line) : kafkaLogger.warn(notice);
    const at = kafkajsLogLevel(level, log);
    if (at === logLevel.ERROR) kafkaLogger.error(line);
    else if (at === logLevel.WARN) kafkaLogger.warn(line);
    else kafkaLogger.debug(line);
  };
};

/**
 * Owns one kafkajs client per process: a lazily connected producer, an admin for topics and readiness, and
 * consumers that restart themselves after a crash (kafkajs issues 267, 659, 852, 1443).
 */
export class KafkaClient implements Publisher {
  private readonly kafka: Kafka;
  private producer: Producer | null = null;
  private producerConnecting: Promise<Producer> | null = null;
  private readonly consumers: ManagedConsumer[] = [];
  /** The partition kafkajs chose for each message object sent (acknowledged-partitions.util). */
  private readonly chosen: PartitionsChosen = new WeakMap();

  constructor(private readonly options: KafkaClientOptions) {
    if (options.maxEventBytes !== undefined) allowDecompressedBatchBytesFor(options.maxEventBytes);
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      ...(options.sasl ? { sasl: options.sasl as SASLOptions } : {}),
      connectionTimeout: options.connectionTimeoutMs ?? 3000,
      requestTimeout: 10000,
      logLevel: logLevel.WARN,
      logCreator: toNestLog(options.brokers),
      retry: { initialRetryTime: 200, retries: 5, maxRetryTime: 5000 },
    });
  }

  /**
   * Idempotence is off: kafkajs's idempotent producer can drop concurrent sends (issue 1005). Order is kept by
   * one request in flight; duplicates after a retry are harmless because consumers dedupe by position.
   */
  private async getProducer(): Promise<Producer> {
    if (this.producer) return this.producer;
    if (!this.producerConnecting) {
      const producer = this.kafka.producer({
        allowAutoTopicCreation: false,
        idempotent: false,
        maxInFlightRequests: 1,
        createPartitioner: recordingPartitioner(Partitioners.DefaultPartitioner, this.chosen),
      });
      producer.on(producer.events.DISCONNECT, () => {
        if (this.producer === producer) this.producer = null;
      });
      this.producerConnecting = producer
        .connect()
        .then(() => (this.producer = producer))
        .finally(() => (this.producerConnecting = null));
    }
    return this.producerConnecting;
  }

  /**
   * kafkajs puts all messages of one partition of one send in one record batch, which the broker refuses
   * (non-retriable) above the topic's max.message.bytes: messages are sent in runs of at most the byte
   * budget, one after the other, so order per partition holds. A failure part-way leaves the earlier runs
   * published: the caller retries the whole call, as after any failed send (at-least-once).
   *
   * Dead letters (`deadLetters`) are sent GZIP-compressed, each fitted to the budget first (`fitDeadLetter`): the
   * original they repeat may have come compressed and be far larger than the topic takes uncompressed, and a dead
   * letter the broker refuses would hold its partition (the refusal is not retriable) for good.
   */
  async publish(topic: string, messages: OutgoingMessage[], options: PublishOptions = {}): Promise<void> {
    if (messages.length === 0) return;
    const compression = options.deadLetters ? CompressionTypes.GZIP : CompressionTypes.None;
    if (options.withinBudget) return this.send(topic, messages, compression);
    const budget = publishBudgetBytes(this.options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES);
    if (options.deadLetters) messages = messages.map((m) => this.fitted(topic, m, budget));
    let total = 0;
    for (const m of messages) total += recordBytes(m);
    // A dead letter above the budget uncompressed fits it compressed (fitDeadLetter): it gets a send of its own.
    const runs = total <= budget ? [messages] : chunkByBytes(messages, budget, recordBytes);
    for (const run of runs) await this.send(topic, run, compression);
  }

  private fitted(topic: string, letter: OutgoingMessage, budget: number): OutgoingMessage {
    const { message, cut } = fitDeadLetter(letter, budget);
    if (cut.length) {
      const where = ['source-topic', 'source-partition', 'source-offset'].map((h) => letter.headers?.[h] ?? letter.headers?.[`dlq-${h}`]);
      kafkaLogger.warn(
        `a dead letter for ${topic} did not fit it even compressed and was cut (${cut.join('; ')}); the original: ${where.join('/')}`,
      );
    }
    return message;
  }

  private async send(topic: string, messages: OutgoingMessage[], compression = CompressionTypes.None): Promise<void> {
    const producer = await this.getProducer();
    try {
      const answer = await producer.send({ topic, acks: -1, compression, messages });
      // kafkajs can resolve a send it wrote only part of (acknowledged-partitions.util): then it failed.
      const missing = unacknowledgedPartitions(topic, messages, this.chosen, answer);
      if (missing.length) {
        unacknowledgedSends().inc({ topic });
        throw new UnacknowledgedSendError(topic, missing, messages.length);
      }
    } catch (error) {
      // Drop the producer so the next attempt reconnects from scratch instead of reusing a broken one.
      if (this.producer === producer) this.producer = null;
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Creates the missing topics with their config. For the ones that exist, `max.message.bytes` in the spec is
   * a minimum: a topic below it is raised (AlterConfigs, keeping the topic's other overrides, as that request
   * replaces them all); if the broker refuses, this fails with what an operator must set.
   */
  async ensureTopics(topics: TopicSpec[]): Promise<string[]> {
    return this.withAdmin(async (admin) => {
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t.topic));
      if (missing.length > 0) {
        // kafkajs' own waitForLeaders retries LEADER_NOT_AVAILABLE only: a broker whose metadata has not yet
        // caught up with the controller answers UNKNOWN_TOPIC_OR_PARTITION, and kafkajs gives up on it (CI failed
        // so on a loaded machine). The wait below tolerates both, bounded.
        await admin.createTopics({
          waitForLeaders: false,
          topics: missing.map((t) => ({
            topic: t.topic,
            numPartitions: t.partitions,
            replicationFactor: t.replicationFactor ?? 1,
            configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })),
          })),
        });
        await waitForPartitionLeaders(admin, missing, this.options.topicLeaderWaitMs ?? TOPIC_LEADER_WAIT_MS);
      }
      const sized = topics.filter((t) => existing.has(t.topic) && t.config?.[MAX_MESSAGE_BYTES] !== undefined);
      if (sized.length > 0) await this.raiseMaxMessageBytes(admin, sized);
      return missing.map((t) => t.topic);
    });
  }

  private async raiseMaxMessageBytes(admin: Admin, topics: TopicSpec[]): Promise<void> {
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((t) => ({ type: ConfigResourceTypes.TOPIC, name: t.topic })),
    });
    for (const resource of described.resources) {
      const wanted = Number(topics.find((t) => t.topic === resource.resourceName)!.config![MAX_MESSAGE_BYTES]);
      const current = resource.configEntries.find((c) => c.configName === MAX_MESSAGE_BYTES);
      if (current && Number(current.configValue) >= wanted) continue;
      // Only the topic's own overrides (source DYNAMIC_TOPIC_CONFIG = 1) are resent; the rest are defaults.
      const overrides = resource.configEntries
        .filter(
          (c) =>
            (c as { configSource?: number }).configSource === 1 &&
            !c.isDefault &&
            !c.readOnly &&
            !c.isSensitive &&
            c.configName !== MAX_MESSAGE_BYTES,
        )
        .map((c) => ({ name: c.configName, value: c.configValue }));
      try {
        await admin.alterConfigs({
          validateOnly: false,
          resources: [
            {
              type: ConfigResourceTypes.TOPIC,
              name: resource.resourceName,
              configEntries: [...overrides, { name: MAX_MESSAGE_BYTES, value: String(wanted) }],
            },
          ],
        });
        kafkaLogger.log(`raised ${MAX_MESSAGE_BYTES} of topic ${resource.resourceName} from ${current?.configValue ?? '?'} to ${wanted}`);
      } catch (error) {
        throw new Error(
          `topic ${resource.resourceName} has ${MAX_MESSAGE_BYTES}=${current?.configValue ?? '?'}, below the ${wanted} that NEWSROOM_MAX_EVENT_BYTES needs, ` +
            `and raising it failed (${(error as Error).message}); run: kafka-configs.sh --bootstrap-server <broker> --alter --entity-type topics ` +
            `--entity-name ${resource.resourceName} --add-config ${MAX_MESSAGE_BYTES}=${wanted} (or lower NEWSROOM_MAX_EVENT_BYTES on every service)`,
        );
      }
    }
  }

  async deleteTopics(topics: string[]): Promise<void> {
    await this.withAdmin((admin) => admin.deleteTopics({ topics, timeout: 10000 }));
  }

  /** Readiness: the cluster answers a metadata request within the connection timeout. */
  async ping(): Promise<{ brokers: number; controller: number | null }> {
    return this.withAdmin(async (admin) => {
      const cluster = await admin.describeCluster();
      return { brokers: cluster.brokers.length, controller: cluster.controller };
    });
  }

  async topicOffsets(topic: string): Promise<Array<{ partition: number; high: string; low: string }>> {
    return this.withAdmin(async (admin) => {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.map((o) => ({ partition: o.partition, high: o.high, low: o.low }));
    });
  }

  /**
   * The headers of the last record of every partition that holds one (a throwaway group, seeked to each partition's
   * last offset, nothing committed). What a restore asks: the highest position the topic already carries.
   */
  async lastRecordHeaders(topic: string, timeoutMs = 30000): Promise<Array<{ partition: number; headers: Record<string, string> }>> {
    const ends = await this.topicOffsets(topic);
    const pending = new Map(ends.filter((o) => BigInt(o.high) > BigInt(o.low)).map((o) => [o.partition, BigInt(o.high) - 1n]));
    const found: Array<{ partition: number; headers: Record<string, string> }> = [];
    if (!pending.size) return found;
    const consumer = this.kafka.consumer({
      groupId: `newsroom-last-records-${process.pid}-${Date.now()}`,
      sessionTimeout: 10000,
      heartbeatInterval: 1000,
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: false });
      const done = new Promise<void>((resolve) => {
        void consumer.run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const last = pending.get(batch.partition);
            const m = batch.messages.find((x) => last !== undefined && BigInt(x.offset) >= last);
            if (!m) return;
            pending.delete(batch.partition);
            found.push({
              partition: batch.partition,
              headers: Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, String(v)])),
            });
            if (!pending.size) resolve();
          },
        });
      });
      for (const [partition, offset] of pending) consumer.seek({ topic, partition, offset: String(offset) });
      const expired = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(
                `reading the last records of ${topic} took over ${timeoutMs} ms (partitions left: ${[...pending.keys()].join(',')})`,
              ),
            ),
          timeoutMs,
        );
      });
      await Promise.race([done, expired]);
    } finally {
      clearTimeout(timer);
      await consumer.disconnect().catch(() => undefined);
    }
    return found.sort((a, b) => a.partition - b.partition);
  }

  consumer(options: ConsumerOptions): ManagedConsumer {
    const consumer = new ManagedConsumer(this.kafka, { sessionTimeout: this.options.sessionTimeoutMs, ...options });
    this.consumers.push(consumer);
    return consumer;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.consumers.map((c) => c.stop()));
    const producer = this.producer;
    this.producer = null;
    if (producer) await producer.disconnect().catch(() => undefined);
  }

  private async withAdmin<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = this.kafka.admin({ retry: { retries: 1, initialRetryTime: 200 } });
    await admin.connect();
    try {
      return await fn(admin);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
