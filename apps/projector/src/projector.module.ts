import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { KafkaClient, kafkaSasl } from '@newsroom/messaging';
import {
  API_KEY_RING,
  ApiKeyGuard,
  apiKeyRingFromConfig,
  HealthModule,
  loggingModule,
  MetricsModule,
  pgTimeoutOptions,
  ProblemFilter,
  REQUIRE_READ_KEY,
  retryUntilReady,
} from '@newsroom/platform';
import { PROJECTOR_CONFIG, ProjectorConfig } from './config/projector.config';
import { KAFKA, ProjectorService, READ_DB } from './projector/projector.service';

@Global()
@Module({})
class ProjectorCoreModule {
  static forRoot(config: ProjectorConfig): DynamicModule {
    return {
      module: ProjectorCoreModule,
      providers: [
        { provide: PROJECTOR_CONFIG, useValue: config },
        {
          provide: READ_DB,
          // Read models are written through TypeORM; the schema comes from migrations only (never synchronize).
          useFactory: () =>
            retryUntilReady('postgres', () =>
              new DataSource({
                type: 'postgres',
                url: config.DATABASE_URL,
                synchronize: false,
                // No JIT: a batch's statements are short index work whose row estimates (fresh tables, unnest arrays) can
                // still pass jit_above_cost, and compiling them costs more than running them (seconds per batch).
                extra: { max: config.DATABASE_POOL_MAX, application_name: 'projector', options: '-c jit=off', ...pgTimeoutOptions() },
              }).initialize(),
            ),
        },
        {
          provide: KAFKA,
          useFactory: () =>
            new KafkaClient({
              clientId: 'newsroom-projector',
              brokers: config.KAFKA_BROKERS,
              sasl: kafkaSasl(config),
              maxEventBytes: config.NEWSROOM_MAX_EVENT_BYTES,
              sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
            }),
        },
        ProjectorService,
      ],
      exports: [ProjectorService],
    };
  }
}

@Module({})
export class ProjectorModule {
  static forRoot(config: ProjectorConfig): DynamicModule {
    return {
      module: ProjectorModule,
      imports: [
        ProjectorCoreModule.forRoot(config),
        loggingModule('projector', config.LOG_LEVEL),
        MetricsModule,
        HealthModule.forChecks({ inject: [ProjectorService], useFactory: (p: ProjectorService) => p.readinessChecks() }),
      ],
      providers: [
        { provide: APP_FILTER, useValue: new ProblemFilter() },
        // Only health and metrics are served here: with NEWSROOM_REQUIRE_READ_KEY, /metrics needs a read key.
        { provide: API_KEY_RING, useValue: apiKeyRingFromConfig(config) },
        { provide: REQUIRE_READ_KEY, useValue: config.NEWSROOM_REQUIRE_READ_KEY },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
      ],
    };
  }
}
