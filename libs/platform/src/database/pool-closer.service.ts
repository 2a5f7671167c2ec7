import { OnApplicationShutdown, Provider } from '@nestjs/common';
import { Pool } from 'pg';

/** Closes a pool on shutdown, after the app's other hooks: pg waits for checked-out clients, so in-flight queries finish. */
export class PoolCloser implements OnApplicationShutdown {
  constructor(private readonly pool: Pool) {}

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}

/** The closer of the pool an app provides under `poolToken`. */
export function poolCloserProvider(poolToken: string | symbol): Provider {
  return { provide: PoolCloser, inject: [poolToken], useFactory: (pool: Pool) => new PoolCloser(pool) };
}
