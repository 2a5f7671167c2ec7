import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { dropDatabase, prepareDatabase } from '../../../infra/postgres/database';

export interface BenchDatabase {
  url: string;
  name: string;
  pool: Pool;
  drop(): Promise<void>;
}

/** A fresh database with every migration applied, only for this run; `drop` removes it. */
export async function createBenchDatabase(serverUrl: string, label: string, poolMax = 20): Promise<BenchDatabase> {
  const name = `newsroom_bench_${label}_${randomBytes(3).toString('hex')}`.toLowerCase();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await prepareDatabase(url.toString());
  const pool = new Pool({ connectionString: url.toString(), max: poolMax, application_name: `bench-${label}` });
  pool.on('error', () => undefined);
  let dropped = false;
  return {
    url: url.toString(),
    name,
    pool,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      // An interrupted run may still hold a client; DROP ... WITH (FORCE) ends its session anyway.
      await Promise.race([pool.end().catch(() => undefined), new Promise((r) => setTimeout(r, 2_000).unref())]);
      await dropDatabase(url.toString());
    },
  };
}
