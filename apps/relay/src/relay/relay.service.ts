import type { Gauge } from 'prom-client';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { PgEventStore } from '@newsroom/event-store';
import { KafkaClient, topicDurability, topicNames } from '@newsroom/messaging';
import { dlqTopicSizeConfig, metric, ReadinessCheck, topicSizeConfig } from '@newsroom/platform';
import { RELAY_CONFIG, RelayConfig } from '../config/relay.config';
import { EventRelay } from './event-relay.service';
import { RelayCheckpoints } from './relay-checkpoints.repository';

export const PG_POOL = Symbol('PG_POOL');
export const KAFKA = Symbol('KAFKA');

@Injectable()
export class RelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RelayService.name);
  readonly relay: EventRelay;
  private readonly topics: ReturnType<typeof topicNames>;
  private readonly published = metric('counter', { name: 'relay_events_published_total', help: 'Events published to Kafka' });

  constructor(
    @Inject(RELAY_CONFIG) private readonly config: RelayConfig,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(KAFKA) private readonly kafka: KafkaClient,
  ) {
    this.topics = topicNames(config.KAFKA_TOPIC_PREFIX);
    const store = new PgEventStore(pool);
    this.relay = new EventRelay(pool, store, kafka, new RelayCheckpoints(pool), {
      topic: this.topics.events,
      batchSize: config.RELAY_BATCH_SIZE,
      idleWaitMs: config.RELAY_IDLE_WAIT_MS,
      maxBackoffMs: config.RELAY_MAX_BACKOFF_MS,
      leaderLockKey: 0x72656c61, // "rela"
      maxEventBytes: config.NEWSROOM_MAX_EVENT_BYTES,
      batchMaxBytes: config.RELAY_BATCH_MAX_BYTES,
      // Run by the leader before it publishes, retried until it succeeds: creates the topics, or raises an
      // existing topic's max.message.bytes, or fails readiness (relay lastError) saying what to set.
      prepare: () => this.ensureTopics(),
      // The broker's count, not the config's: the header must follow where the producer puts each key.
      partitionCount: async () => (await this.kafka.topicOffsets(this.topics.events)).length,
    });
    this.relay.onPublished = (n) => this.published.inc(n);
    const relay = this.relay;
    metric('gauge', {
      name: 'relay_lag_events',
      help: 'Events recorded but not yet published',
      async collect(this: Gauge) {
        const head = await store.headPosition();
        this.set(Math.max(0, Number(head) - Number(relay.getStatus().checkpoint)));
      },
    });
  }

  onApplicationBootstrap(): void {
    // Topics are created here, not by hand; a broker that is down now is retried by the loop (the leader's
    // `prepare`), not fatal. Not awaited: the app takes its port at once, and a broker that accepts connections and
    // never answers shows as readiness 503 naming `kafka`, not as the start-up server's 503 for about 20 s.
    void this.ensureTopics().catch((e) => this.logger.warn(`could not ensure topics yet: ${e.message}`));
    this.relay.start();
  }

  /** The events topic and its DLQ, sized from NEWSROOM_MAX_EVENT_BYTES (existing ones raised if below). */
  private ensureTopics(): Promise<string[]> {
    const max = this.config.NEWSROOM_MAX_EVENT_BYTES;
    return this.kafka.ensureTopics([
      { topic: this.topics.events, partitions: this.config.KAFKA_EVENTS_PARTITIONS, ...topicDurability(this.config, topicSizeConfig(max)) },
      { topic: this.topics.eventsDlq, partitions: 1, ...topicDurability(this.config, dlqTopicSizeConfig(max)) },
    ]);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    await this.kafka.close();
    await this.pool.end().catch(() => undefined);
  }

  readinessChecks(): ReadinessCheck[] {
    return [
      { name: 'postgres', check: async () => void (await this.pool.query('SELECT 1')) },
      { name: 'kafka', check: async () => this.kafka.ping() },
      {
        name: 'relay',
        check: async () => {
          const s = this.relay.getStatus();
          if (Date.now() - s.lastLoopAt > 30000) throw new Error('relay loop is stuck');
          if (s.lastError) throw new Error(`relay failing: ${s.lastError}`);
          return { leader: s.leader, checkpoint: s.checkpoint, published: s.published };
        },
      },
    ];
  }
}
