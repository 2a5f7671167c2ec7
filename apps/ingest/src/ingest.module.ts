import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { Pool } from 'pg';
import { EVENT_STORE_SERVER_SETTINGS, PgEventStore } from '@newsroom/event-store';
import { KafkaClient, kafkaSasl } from '@newsroom/messaging';
import {
  API_KEY_RING,
  ApiKeyGuard,
  apiKeyRingFromConfig,
  createPgPool,
  HealthModule,
  loggingModule,
  MetricsModule,
  poolCloserProvider,
  ProblemFilter,
  rateLimitGuardProvider,
  REQUIRE_READ_KEY,
  TokenBuckets,
  isWrite,
} from '@newsroom/platform';
import { INGEST_CONFIG, IngestConfig } from './config/ingest.config';
import { AttachSourceHandler } from './events/attach-source/attach-source.handler';
import { SourcesController } from './events/attach-source/sources.controller';
import { CorrectEventHandler } from './events/correct-event/correct-event.handler';
import { CorrectionsController } from './events/correct-event/corrections.controller';
import { GetEventController } from './events/get-event/get-event.controller';
import { GetEventHandler } from './events/get-event/get-event.handler';
import { EventsController } from './events/record-events/events.controller';
import { RecordBatchHandler } from './events/record-events/record-batch.handler';
import { RecordEventsHandler } from './events/record-events/record-events.handler';
import { ReplayRefusedHandler } from './events/record-events/replay-refused.handler';
import { RecordStoryHandler } from './events/record-story/record-story.handler';
import { StoriesController } from './events/record-story/stories.controller';
import { RetractEventHandler } from './events/retract-event/retract-event.handler';
import { ReplayAmendmentHandler } from './events/replay-amendment/replay-amendment.handler';
import { RetractionsController } from './events/retract-event/retractions.controller';
import { EntityAliasesController } from './entities/record-entity-alias/entity-aliases.controller';
import { RecordEntityAliasHandler } from './entities/record-entity-alias/record-entity-alias.handler';
import { EVENT_STORE, KAFKA, PG_POOL } from './ingest.tokens';
import { ResolutionsController } from './conflicts/resolve-conflict/resolutions.controller';
import { ResolveConflictHandler } from './conflicts/resolve-conflict/resolve-conflict.handler';
import { ReadStreamHandler } from './streams/read-stream/read-stream.handler';
import { StreamsController } from './streams/read-stream/streams.controller';
import { SubmissionsConsumer } from './submissions/consume-submissions/submissions.consumer';
import { IngestEventStore } from './events/shared/event-store.port';
import { EventWriter } from './events/shared/event-writer.service';
import { mapIngestError } from './http/ingest-errors.mapper';
import { WriteCommands, WriteDeadline } from './http/write-deadline.service';

@Global()
@Module({})
class IngestCoreModule {
  static forRoot(config: IngestConfig): DynamicModule {
    return {
      module: IngestCoreModule,
      providers: [
        { provide: INGEST_CONFIG, useValue: config },
        // The store's write statements planned once per connection, not at every write (EVENT_STORE_SERVER_SETTINGS).
        {
          provide: PG_POOL,
          useFactory: () => createPgPool(config.DATABASE_URL, config.DATABASE_POOL_MAX, 'ingest', undefined, EVENT_STORE_SERVER_SETTINGS),
        },
        {
          provide: PgEventStore,
          inject: [PG_POOL],
          useFactory: (pool: Pool) =>
            new PgEventStore(pool, {
              appendQueueSubmissions: config.INGEST_APPEND_QUEUE_MAX_SUBMISSIONS,
              appendQueueEvents: config.INGEST_APPEND_QUEUE_MAX_EVENTS,
              writeReadsQueue: config.INGEST_WRITE_READS_QUEUE_MAX,
              busyRetryAfterSeconds: config.INGEST_BUSY_RETRY_AFTER_S,
            }),
        },
        { provide: EVENT_STORE, useExisting: PgEventStore },
        // Closes the pool on shutdown once in-flight appends are done (pg waits for checked-out clients).
        poolCloserProvider(PG_POOL),
        {
          provide: EventWriter,
          inject: [EVENT_STORE],
          useFactory: (store: IngestEventStore) => new EventWriter(store, config.NEWSROOM_MAX_EVENT_BYTES),
        },
        {
          provide: KAFKA,
          useFactory: () =>
            new KafkaClient({
              clientId: 'newsroom-ingest',
              brokers: config.KAFKA_BROKERS,
              sasl: kafkaSasl(config),
              maxEventBytes: config.NEWSROOM_MAX_EVENT_BYTES,
              sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
            }),
        },
        { provide: API_KEY_RING, useValue: apiKeyRingFromConfig(config) },
        { provide: REQUIRE_READ_KEY, useValue: config.NEWSROOM_REQUIRE_READ_KEY },
        SubmissionsConsumer,
      ],
      exports: [INGEST_CONFIG, PG_POOL, PgEventStore, EVENT_STORE, EventWriter, KAFKA, API_KEY_RING, REQUIRE_READ_KEY, SubmissionsConsumer],
    };
  }
}

@Module({})
export class IngestModule {
  static forRoot(config: IngestConfig): DynamicModule {
    return {
      module: IngestModule,
      imports: [
        IngestCoreModule.forRoot(config),
        CqrsModule.forRoot(),
        loggingModule('ingest', config.LOG_LEVEL),
        MetricsModule,
        HealthModule.forChecks({
          inject: [PG_POOL, KAFKA, SubmissionsConsumer],
          useFactory: (pool: Pool, kafka: KafkaClient, submissions: SubmissionsConsumer) => [
            {
              name: 'postgres',
              // Reachable is not enough: a standby, or a primary a failover demoted, answers reads and refuses every
              // append (25006). Ready means the store takes writes.
              check: async () => {
                const { rows } = await pool.query<{ ro: string }>("SELECT current_setting('transaction_read_only') AS ro");
                if (rows[0]?.ro === 'on')
                  throw new Error('the event store is read-only (a standby, or default_transaction_read_only): it takes no writes');
              },
            },
            { name: 'kafka', check: async () => kafka.ping() },
            submissions.readinessCheck(),
          ],
          // Ready means "takes writes": they go to Postgres only, so a broker outage (and the submissions consumer
          // waiting for it) is reported under `degraded`, never a reason to take ingest out of rotation.
          notRequired: ['kafka', 'submissions-consumer'],
        }),
      ],
      controllers: [
        EventsController,
        StoriesController,
        CorrectionsController,
        RetractionsController,
        EntityAliasesController,
        SourcesController,
        ResolutionsController,
        GetEventController,
        StreamsController,
      ],
      providers: [
        RecordEventsHandler,
        ReplayRefusedHandler,
        RecordBatchHandler,
        RecordStoryHandler,
        CorrectEventHandler,
        RetractEventHandler,
        ReplayAmendmentHandler,
        RecordEntityAliasHandler,
        AttachSourceHandler,
        ResolveConflictHandler,
        GetEventHandler,
        ReadStreamHandler,
        { provide: APP_FILTER, useValue: new ProblemFilter(mapIngestError) },
        { provide: WriteDeadline, useValue: new WriteDeadline(config.INGEST_WRITE_DEADLINE_MS) },
        WriteCommands,
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        // After the key guard (guards run in order), which names the key: writes are counted per key.
        rateLimitGuardProvider({
          buckets: new TokenBuckets({ rate: config.INGEST_WRITE_RATE_PER_KEY, burst: config.INGEST_WRITE_BURST_PER_KEY }),
          applies: isWrite,
          by: 'key',
          what: `${config.INGEST_WRITE_RATE_PER_KEY} writes a second (burst ${config.INGEST_WRITE_BURST_PER_KEY}) for this key`,
        }),
      ],
    };
  }
}
