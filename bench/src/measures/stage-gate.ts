import { Pool, PoolClient } from 'pg';

/**
 * Holds an app at its start line: a transaction keeps an exclusive lock on the first table the stage touches
 * (the relay's checkpoints, the projector's checkpoints), so the app boots and answers ready but cannot move.
 * `open()` commits and returns the instant the stage was released, which is where its timing starts.
 * `table` is a trusted identifier chosen by the bench.
 */
export class StageGate {
  private constructor(private readonly client: PoolClient) {}

  static async close(pool: Pool, table: string): Promise<StageGate> {
    const client = await pool.connect();
    await client.query('BEGIN');
    await client.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
    return new StageGate(client);
  }

  /** A query inside the gate's transaction: the one session that can read the locked table while it is closed. */
  async query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.client.query(sql, params)).rows as T[];
  }

  async open(): Promise<number> {
    try {
      await this.client.query('COMMIT');
      return performance.now();
    } finally {
      this.client.release();
    }
  }
}
