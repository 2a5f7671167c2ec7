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
  ProblemFilter,
  RateLimitPolicy,
  rateLimitGuardProvider,
  REQUIRE_READ_KEY,
  TokenBuckets,
} from '@newsroom/platform';
import { mapQueryError } from './query-errors.mapper';
import { QUERY_CONFIG, QUERY_READ_LIMIT, QueryConfig } from './config/query.config';
import { READ_DB, ReadDatabaseModule } from './database/read-database.module';
import { FeedHub } from './feed/feed-hub.service';
import { DashboardModule } from './dashboard/dashboard.module';
import { FeedModule } from './feed/feed.module';
import { ReportsModule } from './reports/reports.module';

const KAFKA = Symbol('KAFKA');

@Global()
@Module({})
class QueryCoreModule {
  static forRoot(config: QueryConfig, readLimit: RateLimitPolicy): DynamicModule {
    return {
      module: QueryCoreModule,
      providers: [
        { provide: QUERY_CONFIG, useValue: config },
        // The rate-limit guard's policy, shared with the SSE stream's lean route (feed-sse.gateway.ts): one bucket per IP.
        { provide: QUERY_READ_LIMIT, useValue: readLimit },
        {
          provide: KAFKA,
          useFactory: () => new KafkaClient({ clientId: 'newsroom-query', brokers: config.KAFKA_BROKERS, sasl: kafkaSasl(config) }),
        },
        { provide: API_KEY_RING, useValue: apiKeyRingFromConfig(config) },
        { provide: REQUIRE_READ_KEY, useValue: config.NEWSROOM_REQUIRE_READ_KEY },
      ],
      exports: [QUERY_CONFIG, QUERY_READ_LIMIT, KAFKA, API_KEY_RING, REQUIRE_READ_KEY],
    };
  }
}

@Module({})
export class QueryModule {
  static forRoot(config: QueryConfig): DynamicModule {
    // Every HTTP read (SSE streams included) is counted per client IP; health and metrics are not.
    const readLimit: RateLimitPolicy = {
      buckets: new TokenBuckets({ rate: config.QUERY_READ_RATE_PER_IP, burst: config.QUERY_READ_BURST_PER_IP }),
      by: 'ip',
      what: `${config.QUERY_READ_RATE_PER_IP} requests a second (burst ${config.QUERY_READ_BURST_PER_IP}) from this address`,
    };
    return {
      module: QueryModule,
      imports: [
        QueryCoreModule.forRoot(config, readLimit),
        ReadDatabaseModule.forRoot(config),
        loggingModule('query', config.LOG_LEVEL),
        MetricsModule,
        FeedModule,
        ReportsModule,
        DashboardModule,
        HealthModule.forChecks({
          inject: [READ_DB, KAFKA, FeedHub],
          useFactory: (db: DataSource, kafka: KafkaClient, hub: FeedHub) => [
            { name: 'postgres', check: async () => void (await db.query('SELECT 1')) },
            // The live feed is only as fresh as the pipeline behind it, so readiness reports the broker too; but the
            // history, the live feed of what Postgres holds and the reports are served without it, so a broker outage
            // is `degraded`, never a reason to take every reader's service out of rotation (t29).
            { name: 'kafka', check: async () => kafka.ping(), required: false },
            {
              name: 'feed',
              check: async () => {
                const s = hub.tailStatus();
                if (s.lastError) throw new Error(`feed tail failing: ${s.lastError}`);
                return s;
              },
            },
          ],
        }),
      ],
      providers: [
        { provide: APP_FILTER, useValue: new ProblemFilter(mapQueryError) },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        rateLimitGuardProvider(readLimit),
      ],
    };
  }
}
