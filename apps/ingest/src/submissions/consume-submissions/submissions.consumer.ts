import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { KafkaClient, ManagedConsumer, topicDurability, topicNames } from '@newsroom/messaging';
import { dlqTopicSizeConfig, metric, NotReadyError, ReadinessCheck, topicSizeConfig } from '@newsroom/platform';
import { INGEST_CONFIG, IngestConfig } from '../../config/ingest.config';
import { KAFKA } from '../../ingest.tokens';
import { SubmissionBatchProcessor } from './submission-batch.processor';

/**
 * The Kafka ingestion path: a consumer group on newsroom.submissions.v1 feeding the same command as HTTP.
 * Offsets are committed only after a batch is recorded and its rejects are in the dead-letter topic.
 */
@Injectable()
export class SubmissionsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SubmissionsConsumer.name);
  private consumer: ManagedConsumer | null = null;
  private readonly submissions = metric('counter', {
    name: 'ingest_submissions_total',
    help: 'Kafka submissions handled, by outcome (accepted, duplicate, rejected)',
    labelNames: ['outcome'],
  });

  constructor(
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
    @Inject(KAFKA) private readonly kafka: KafkaClient,
    private readonly commands: CommandBus,
  ) {}

  private stopping = false;

  onApplicationBootstrap(): void {
    if (!this.config.INGEST_CONSUME_SUBMISSIONS) {
      this.logger.log('Kafka submissions consumer disabled (INGEST_CONSUME_SUBMISSIONS=false)');
      return;
    }
    // Not awaited: the app takes its port (and writes, which need Postgres only) without waiting for the broker. A
    // broker that accepts connections and never answers held ingest on the start-up server's 503 for about 20 s;
    // readiness now says `submissions-consumer` is `creating topics` meanwhile (degraded, not failing: README, Health).
    void this.start();
  }

  private async start(): Promise<void> {
    const topics = topicNames(this.config.KAFKA_TOPIC_PREFIX);
    // A broker that is down now is not fatal: HTTP writes go on and the consumer keeps retrying.
    await this.kafka
      .ensureTopics([
        {
          topic: topics.submissions,
          partitions: this.config.KAFKA_EVENTS_PARTITIONS,
          ...topicDurability(this.config, topicSizeConfig(this.config.NEWSROOM_MAX_EVENT_BYTES)),
        },
        {
          topic: topics.submissionsDlq,
          partitions: 1,
          ...topicDurability(this.config, dlqTopicSizeConfig(this.config.NEWSROOM_MAX_EVENT_BYTES)),
        },
      ])
      .catch((e) => {
        // A topic too small for NEWSROOM_MAX_EVENT_BYTES that could not be raised fails readiness until fixed.
        if (/max\.message\.bytes/.test(e.message)) this.topicsProblem = e.message;
        this.logger.warn(`could not ensure submission topics yet: ${e.message}`);
      });
    if (this.stopping) return;
    const processor = new SubmissionBatchProcessor(
      { record: (command) => this.commands.execute(command), replays: (command) => this.commands.execute(command) },
      this.kafka,
      topics.submissionsDlq,
      (outcome, n) => {
        if (n > 0) this.submissions.inc({ outcome }, n);
      },
    );
    this.consumer = this.kafka.consumer({
      groupId: this.config.INGEST_SUBMISSIONS_GROUP_ID,
      topics: [topics.submissions],
      fromBeginning: true,
      handler: (batch) => processor.handleBatch(batch),
      // A batch that fails (Postgres away, a dead letter the broker will not take) holds back its own partition only,
      // retried with backoff: the others go on and commit, and none of their rejects is dead-lettered again.
      isolateFailingPartitions: true,
    });
    void this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.kafka.close();
  }

  private topicsProblem: string | null = null;

  readinessCheck(): ReadinessCheck {
    return {
      name: 'submissions-consumer',
      check: async () => {
        if (!this.config.INGEST_CONSUME_SUBMISSIONS) return { state: 'disabled' };
        if (this.topicsProblem) throw new Error(this.topicsProblem);
        const c = this.consumer;
        if (!c) throw new NotReadyError('creating topics', 'consumer not started: creating or checking its topics on the broker');
        if (c.state !== 'running')
          throw new NotReadyError(
            c?.state ?? 'not started',
            `consumer ${c?.state ?? 'not started'}${c?.lastError ? `: ${c.lastError}` : ''}`,
          );
        return { state: c.state, groupId: this.config.INGEST_SUBMISSIONS_GROUP_ID };
      },
    };
  }
}
