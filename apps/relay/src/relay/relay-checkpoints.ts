import { Pool } from 'pg';

/** Anything that runs a query: the pool, or the relay leader's lock session (so a dead session fails the cycle). */
export interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rows: any[] }>;
}

/** The relay's position per topic, in the same database as the log it copies. */
export class RelayCheckpoints {
  constructor(private readonly pool: Pool) {}

  async load(name: string, db: Queryable = this.pool): Promise<string> {
    const { rows } = await db.query('SELECT position FROM event_store.relay_checkpoints WHERE name = $1', [name]);
    return rows.length ? String(rows[0].position) : '0';
  }

  async save(name: string, position: string, db: Queryable = this.pool): Promise<void> {
    await db.query(
      `INSERT INTO event_store.relay_checkpoints (name, position) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET position = GREATEST(event_store.relay_checkpoints.position, EXCLUDED.position),
         updated_at = now()`,
      [name, position],
    );
  }
}
