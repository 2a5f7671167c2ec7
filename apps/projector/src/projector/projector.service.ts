import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { KafkaClient, ManagedConsumer, topicDurability, topicNames } from '@newsroom/messaging';
import { metric, ReadinessCheck } from '@newsroom/platform';
import { createProjections, Projection, ProjectionRunner } from '@newsroom/projections';
import { PROJECTOR_CONFIG, ProjectorConfig } from '../config/projector.config';

export const KAFKA = Symbol('KAFKA');
export const READ_DB = Symbol('READ_DB');

/** Runs the projector consumer group: Kafka -> read models, checkpoints in the same transaction. */
@Injectable()
export class ProjectorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ProjectorService.name);
  // Every read model (PROJECTION_NAMES): feed, leadership, departures, lawsuits, financials, products, regulatory,
  // timeline, sources, entities. One added to a running system sees only new events: `npm run rebuild -- <name>`
  // fills it from the log.
  private readonly projections: Projection[] = createProjections();
  private consumer: ManagedConsumer | null = null;
  private tick: NodeJS.Timeout | null = null;
  private readonly applied = metric('counter', { name: 'projector_events_applied_total', help: 'Events applied', labelNames: ['projection'] });
  private readonly deadLettered = metric('counter', { name: 'projector_events_dead_lettered_total', help: 'Events sent to the DLQ', labelNames: ['projection'] });

  constructor(
    @Inject(PROJECTOR_CONFIG) private readonly config: ProjectorConfig,
    @Inject(READ_DB) private readonly db: DataSource,
    @Inject(KAFKA) private readonly kafka: KafkaClient,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const topics = topicNames(this.config.KAFKA_TOPIC_PREFIX);
    await this.kafka
      .ensureTopics([
        { topic: topics.events, partitions: this.config.KAFKA_EVENTS_PARTITIONS, ...topicDurability(this.config) },
        { topic: topics.eventsDlq, partitions: 1, ...topicDurability(this.config) },
      ])
      .catch((e) => this.logger.warn(`could not ensure topics yet: ${e.message}`));
    const runner = new ProjectionRunner(this.db, this.projections, this.kafka, {
      dlqTopic: topics.eventsDlq,
      maxAttempts: this.config.PROJECTOR_MAX_ATTEMPTS,
      onApplied: (projection, events) => this.applied.inc({ projection }, events),
      onDeadLettered: (projection) => this.deadLettered.inc({ projection }),
    });
    this.consumer = this.kafka.consumer({
      groupId: this.config.PROJECTOR_GROUP_ID,
      topics: [topics.events],
      fromBeginning: true,
      partitionsConsumedConcurrently: this.config.PROJECTOR_PARTITIONS_CONCURRENCY,
      handler: (batch) => runner.handleBatch(batch),
    });
    await this.consumer.start();
    // Watermarks also move when no batch arrives (a backlog larger than one scan window).
    this.tick = setInterval(() => void this.afterCommitAll(), 1000);
    this.tick.unref();
  }

  private async afterCommitAll(): Promise<void> {
    for (const p of this.projections) {
      await p.afterCommit?.(this.db.manager).catch((e) => this.logger.debug(`watermark tick failed: ${e.message}`));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.tick) clearInterval(this.tick);
    await this.kafka.close();
    if (this.db.isInitialized) await this.db.destroy();
  }

  readinessChecks(): ReadinessCheck[] {
    return [
      { name: 'postgres', check: async () => void (await this.db.query('SELECT 1')) },
      { name: 'kafka', check: async () => this.kafka.ping() },
      {
        name: 'consumer',
        check: async () => {
          const c = this.consumer;
          if (!c || c.state !== 'running') throw new Error(`consumer ${c?.state ?? 'not started'}${c?.lastError ? `: ${c.lastError}` : ''}`);
          return { state: c.state };
        },
      },
    ];
  }
}
