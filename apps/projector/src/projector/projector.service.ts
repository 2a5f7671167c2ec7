import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventLogReader } from '@newsroom/event-store';
import { KafkaClient, ManagedConsumer, topicDurability, topicNames } from '@newsroom/messaging';
import { dlqTopicSizeConfig, metric, NotReadyError, ReadinessCheck, topicSizeConfig } from '@newsroom/platform';
import { createProjections, Projection, ProjectionRunner } from '@newsroom/projections';
import { PROJECTOR_CONFIG, ProjectorConfig } from '../config/projector.config';
import { ProgressWatchdog } from './progress-watchdog.service';
import { ReadModelBackfill } from './read-model-backfill.service';

export const KAFKA = Symbol('KAFKA');
export const READ_DB = Symbol('READ_DB');

/** Runs the projector consumer group: Kafka -> read models, checkpoints in the same transaction. */
@Injectable()
export class ProjectorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ProjectorService.name);
  // Every read model (PROJECTION_NAMES): feed, leadership, departures, lawsuits, financials, products, regulatory,
  // timeline, sources, entities, entity-links, conflicts. One added to a running system gets its history from the
  // backfill (read-model-backfill.service.ts).
  private readonly projections: Projection[] = createProjections();
  private backfill: ReadModelBackfill | null = null;
  private consumer: ManagedConsumer | null = null;
  private runner: ProjectionRunner | null = null;
  /** The feed watermark at the last progress check: standing still behind the head twice running, a lost record is looked for. */
  private lastWatermark: bigint | null = null;
  private lookingForLost = false;
  private tick: NodeJS.Timeout | null = null;
  private watchdogTimer: NodeJS.Timeout | null = null;
  private readonly watchdog: ProgressWatchdog;
  private readonly stallRestarts = metric('counter', {
    name: 'projector_stall_restarts_total',
    help: 'Consumers replaced because the feed watermark stood still behind the store head',
  });
  private readonly applied = metric('counter', {
    name: 'projector_events_applied_total',
    help: 'Events applied',
    labelNames: ['projection'],
  });
  private readonly deadLettered = metric('counter', {
    name: 'projector_events_dead_lettered_total',
    help: 'Events sent to the DLQ',
    labelNames: ['projection'],
  });
  private readonly gapFilled = metric('counter', {
    name: 'projector_gap_events_filled_total',
    help: 'Events the topic no longer held (retention, recreated topic), read from the event store instead',
  });
  private readonly foreign = metric('counter', {
    name: 'projector_foreign_messages_skipped_total',
    help: 'Messages published from another event store (store-id header), skipped',
  });
  private readonly forged = metric('counter', {
    name: 'projector_forged_messages_refused_total',
    help: 'Messages on the events topic the event store does not vouch for (position beyond its head or a hole, other id or content), refused and dead-lettered',
    labelNames: ['reason'],
  });
  private readonly failedPositions = metric('gauge', {
    name: 'projector_failed_positions',
    help: 'Positions a projection gave up on and that no replay has resolved yet (npm run replay -- --from-dlq)',
    labelNames: ['projection'],
    collect: () =>
      this.failures().then(
        () => undefined,
        () => undefined,
      ),
  });

  constructor(
    @Inject(PROJECTOR_CONFIG) private readonly config: ProjectorConfig,
    @Inject(READ_DB) private readonly db: DataSource,
    @Inject(KAFKA) private readonly kafka: KafkaClient,
  ) {
    this.watchdog = new ProgressWatchdog(config.PROJECTOR_STALL_RESTART_MS);
  }

  async onApplicationBootstrap(): Promise<void> {
    const topics = topicNames(this.config.KAFKA_TOPIC_PREFIX);
    await this.kafka
      .ensureTopics([
        {
          topic: topics.events,
          partitions: this.config.KAFKA_EVENTS_PARTITIONS,
          ...topicDurability(this.config, topicSizeConfig(this.config.NEWSROOM_MAX_EVENT_BYTES)),
        },
        {
          topic: topics.eventsDlq,
          partitions: 1,
          ...topicDurability(this.config, dlqTopicSizeConfig(this.config.NEWSROOM_MAX_EVENT_BYTES)),
        },
      ])
      .catch((e) => {
        // A topic too small for NEWSROOM_MAX_EVENT_BYTES that could not be raised fails readiness until fixed.
        if (/max\.message\.bytes/.test(e.message)) this.topicsProblem = e.message;
        this.logger.warn(`could not ensure topics yet: ${e.message}`);
      });
    // Before the first batch: a read model new to this database has no checkpoint yet (read-model-backfill.service.ts).
    this.backfill = new ReadModelBackfill(
      this.config,
      this.db,
      this.projections.map((p) => p.name),
    );
    await this.backfill
      .prepare(topics.events)
      .catch((error: Error) => this.logger.warn(`could not compare the read models' checkpoints: ${error.message}`));
    const runner = (this.runner = new ProjectionRunner(this.db, this.projections, this.kafka, {
      dlqTopic: topics.eventsDlq,
      maxAttempts: this.config.PROJECTOR_MAX_ATTEMPTS,
      groupBatchesUpTo: this.config.PROJECTOR_GROUP_BATCHES_UP_TO,
      onApplied: (projection, events) => this.applied.inc({ projection }, events),
      onDeadLettered: (projection) => this.deadLettered.inc({ projection }),
      onGapFilled: (_partition, events) => this.gapFilled.inc(events),
      onForeign: (_storeId, messages) => this.foreign.inc(messages),
      onForged: (reason, messages) => this.forged.inc({ reason }, messages),
      // A read model emptied by hand while running: its backfill is judged again, as at start.
      onCheckpointsLost: (names) => this.backfill?.lost(names),
      // Asked only when a partition's offsets show a gap: the store's events are then placed as the relay's producer placed them.
      partitionCount: async (topic) => {
        try {
          return (await this.kafka.topicOffsets(topic)).length;
        } catch (error) {
          this.logger.warn(
            `could not ask the broker for ${topic}'s partitions (${(error as Error).message}); assuming ${this.config.KAFKA_EVENTS_PARTITIONS}`,
          );
          return this.config.KAFKA_EVENTS_PARTITIONS;
        }
      },
    }));
    this.consumer = this.kafka.consumer({
      groupId: this.config.PROJECTOR_GROUP_ID,
      topics: [topics.events],
      fromBeginning: true,
      partitionsConsumedConcurrently: this.config.PROJECTOR_PARTITIONS_CONCURRENCY,
      handler: (batch) => runner.handleBatch(batch),
    });
    // Not awaited: the group join can take a session timeout (a killed member's session runs out first), and the
    // app listens only after this hook; readiness says `consumer: starting` meanwhile. start() never throws.
    void this.consumer.start();
    // Watermarks also move when no batch arrives (a backlog larger than one scan window).
    this.tick = setInterval(() => void this.afterCommitAll(), 1000);
    this.tick.unref();
    this.watchdogTimer = setInterval(() => void this.checkProgress(), 5000);
    this.watchdogTimer.unref();
    this.backfill.start();
  }

  /**
   * A consumer that heartbeats but no longer moves the feed watermark behind the store's head is replaced. Short of
   * that, a watermark that stood still since the last check is asked whether it waits for a record the topic lost
   * (its partition's last, which no later message's partition chain shows, and no restart would bring): that one is
   * read from the store (`ProjectionRunner.fillLostTail`). One look at a time; the restart never waits for it.
   */
  private async checkProgress(): Promise<void> {
    try {
      const [row] = await this.db.query(`SELECT position::text AS watermark FROM read_model.feed_watermark WHERE id = 1`);
      if (row?.watermark == null || !this.consumer) return;
      const head = BigInt(await new EventLogReader(this.db).head());
      const watermark = BigInt(row.watermark);
      const still = watermark === this.lastWatermark;
      this.lastWatermark = watermark;
      this.watchdog.note(head, watermark, Date.now());
      if (this.watchdog.observe(head, watermark, Date.now(), this.consumer.state === 'running')) {
        this.logger.warn(
          `no progress for ${this.config.PROJECTOR_STALL_RESTART_MS} ms: feed watermark ${watermark}, store head ${head}; replacing the consumer`,
        );
        this.stallRestarts.inc();
        this.consumer.restart('no progress behind the store head');
      } else if (still && head > watermark && this.runner && !this.lookingForLost) {
        this.lookingForLost = true;
        await this.fillLostTails(this.runner, watermark).finally(() => (this.lookingForLost = false));
      }
    } catch (error) {
      this.logger.debug(`progress check failed: ${(error as Error).message}`);
    }
  }

  /**
   * Lost last records one partition after another, in one check: a broker that loses what it had not flushed (a
   * single broker's host crash) loses the tail of every partition at once. After each fill the watermark moves on to
   * the next event it waits for, which is looked for at once rather than at the check after next (10 s a partition);
   * at most one look per partition.
   */
  private async fillLostTails(runner: ProjectionRunner, watermark: bigint): Promise<void> {
    const topic = topicNames(this.config.KAFKA_TOPIC_PREFIX).events;
    let at = watermark;
    for (let look = 0; look < this.config.KAFKA_EVENTS_PARTITIONS; look++) {
      const filled = await runner
        .fillLostTail(topic, at, () => this.kafka.topicOffsets(topic))
        .catch((error: Error) => {
          this.logger.debug(`looking for a lost record failed: ${error.message}`);
          return 0;
        });
      if (!filled) return;
      const [row] = await this.db.query(`SELECT position::text AS watermark FROM read_model.feed_watermark WHERE id = 1`);
      if (row?.watermark == null || BigInt(row.watermark) <= at) return;
      at = this.lastWatermark = BigInt(row.watermark);
    }
  }

  private async afterCommitAll(): Promise<void> {
    for (const p of this.projections) {
      await p.afterCommit?.(this.db.manager).catch((e) => this.logger.debug(`watermark tick failed: ${e.message}`));
    }
  }

  private topicsProblem: string | null = null;

  async onApplicationShutdown(): Promise<void> {
    if (this.tick) clearInterval(this.tick);
    if (this.watchdogTimer) clearInterval(this.watchdogTimer);
    await this.backfill?.close();
    await this.kafka.close();
    if (this.db.isInitialized) await this.db.destroy();
  }

  /** Unresolved failed positions by projection (read_model.projection_failures); also sets the gauge. */
  private async failures(): Promise<Record<string, number>> {
    const rows: Array<{ projection: string; n: number }> = await this.db.query(
      'SELECT projection, count(*)::int AS n FROM read_model.projection_failures GROUP BY projection ORDER BY projection',
    );
    this.failedPositions.reset();
    for (const r of rows) this.failedPositions.set({ projection: r.projection }, r.n);
    return Object.fromEntries(rows.map((r) => [r.projection, r.n]));
  }

  readinessChecks(): ReadinessCheck[] {
    return [
      {
        name: 'postgres',
        // The read models are written: a read-only server (a standby, a demoted primary) fails every batch.
        check: async () => {
          const [row] = await this.db.query(`SELECT current_setting('transaction_read_only') AS ro`);
          if (row?.ro === 'on')
            throw new Error('the database is read-only (a standby, or default_transaction_read_only): no batch can apply');
        },
      },
      {
        // The consumer may run and heartbeat while every batch fails (the database refusing writes, a bug): behind the
        // store's head with the watermark still for the watchdog's span, the projector is not ready.
        name: 'progress',
        check: async () => {
          const stalled = this.watchdog.stalled(Date.now());
          if (stalled) throw new Error(`no progress for ${stalled.ms} ms: feed watermark ${stalled.watermark}, store head ${stalled.head}`);
        },
      },
      { name: 'kafka', check: async () => this.kafka.ping() },
      {
        name: 'topics',
        check: async () => {
          if (this.topicsProblem) throw new Error(this.topicsProblem);
        },
      },
      {
        name: 'consumer',
        check: async () => {
          const c = this.consumer;
          if (!c || c.state !== 'running')
            throw new NotReadyError(
              c?.state ?? 'not started',
              `consumer ${c?.state ?? 'not started'}${c?.lastError ? `: ${c.lastError}` : ''}`,
            );
          return { state: c.state };
        },
      },
      {
        // Reported, never failing: a dead letter needs a code fix and a replay, which no restart or traffic shift
        // gives; the projector goes on applying everything else. Alert on projector_failed_positions instead.
        name: 'failed-positions',
        check: async () => {
          const byProjection = await this.failures();
          return {
            unresolved: Object.values(byProjection).reduce((a, b) => a + b, 0),
            byProjection,
            replay: 'npm run replay -- --from-dlq',
          };
        },
      },
    ];
  }
}
