import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { KafkaClient, kafkaSasl } from '@newsroom/messaging';
import {
  API_KEY_RING,
  ApiKeyGuard,
  apiKeyRingFromConfig,
  createPgPool,
  HealthModule,
  loggingModule,
  MetricsModule,
  ProblemFilter,
  REQUIRE_READ_KEY,
} from '@newsroom/platform';
import { RELAY_CONFIG, RelayConfig } from './config/relay.config';
import { KAFKA, PG_POOL, RelayService } from './relay/relay.service';

/** Global so the health module can reach the relay's own state for its readiness check. */
@Global()
@Module({})
class RelayCoreModule {
  static forRoot(config: RelayConfig): DynamicModule {
    return {
      module: RelayCoreModule,
      providers: [
        { provide: RELAY_CONFIG, useValue: config },
        { provide: PG_POOL, useFactory: () => createPgPool(config.DATABASE_URL, 4, 'relay') },
        {
          provide: KAFKA,
          useFactory: () =>
            new KafkaClient({
              clientId: 'newsroom-relay',
              brokers: config.KAFKA_BROKERS,
              sasl: kafkaSasl(config),
              maxEventBytes: config.NEWSROOM_MAX_EVENT_BYTES,
            }),
        },
        RelayService,
      ],
      exports: [RelayService],
    };
  }
}

@Module({})
export class RelayModule {
  static forRoot(config: RelayConfig): DynamicModule {
    return {
      module: RelayModule,
      imports: [
        RelayCoreModule.forRoot(config),
        loggingModule('relay', config.LOG_LEVEL),
        MetricsModule,
        HealthModule.forChecks({ inject: [RelayService], useFactory: (relay: RelayService) => relay.readinessChecks() }),
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
