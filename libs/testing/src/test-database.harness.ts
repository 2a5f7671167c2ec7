import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { dropDatabase, prepareDatabase } from '../../../infra/postgres/database';

export const TEST_SERVER_URL = process.env.TEST_DATABASE_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  name: string;
  pool: Pool;
  drop(): Promise<void>;
}

/** A fresh, migrated database per test file, so runs never collide and nothing leaks between files. */
export async function createTestDatabase(label: string, serverUrl: string = TEST_SERVER_URL): Promise<TestDatabase> {
  const name = `newsroom_t_${label.replace(/[^a-z0-9]/gi, '_').slice(0, 30)}_${randomBytes(4).toString('hex')}`.toLowerCase();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await prepareDatabase(url.toString());
  const pool = new Pool({ connectionString: url.toString(), max: 20 });
  pool.on('error', () => undefined);
  return {
    url: url.toString(),
    name,
    pool,
    drop: async () => {
      await pool.end().catch(() => undefined);
      await dropDatabase(url.toString());
    },
  };
}
