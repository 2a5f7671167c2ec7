import { Logger } from '@nestjs/common';
import { Pool } from 'pg';

/** A pg pool whose idle-client errors are logged instead of crashing the process (pg emits them on the pool). */
export function createPgPool(url: string, max: number, name: string): Pool {
  const pool = new Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30000,
    application_name: name,
  });
  const logger = new Logger(`pg:${name}`);
  pool.on('error', (error) => logger.warn(`idle client error: ${error.message}`));
  return pool;
}
