import { DynamicModule, Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { pgTimeoutOptions, retryUntilReady } from '@newsroom/platform';
import { QueryConfig } from '../config/query.config';

/** The read database (read models, feed) as a TypeORM DataSource; repositories inject it with @Inject(READ_DB). */
export const READ_DB = Symbol('READ_DB');

/**
 * One DataSource per process. A provider of our own rather than @nestjs/typeorm's module: startup waits for
 * Postgres with the same retryUntilReady as the other apps, and the read side uses no entities, only SQL.
 */
@Global()
@Module({})
export class ReadDatabaseModule {
  static forRoot(config: QueryConfig): DynamicModule {
    return {
      module: ReadDatabaseModule,
      providers: [
        {
          provide: READ_DB,
          useFactory: () =>
            retryUntilReady('postgres', () =>
              new DataSource({
                type: 'postgres',
                url: config.DATABASE_URL,
                synchronize: false,
                extra: { max: config.DATABASE_POOL_MAX, application_name: 'query', ...pgTimeoutOptions() },
              }).initialize(),
            ),
        },
      ],
      exports: [READ_DB],
    };
  }
}
