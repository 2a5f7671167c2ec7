import { Pool } from 'pg';

/** The relay's position per topic, in the same database as the log it copies. */
export class RelayCheckpoints {
  constructor(private readonly pool: Pool) {}

  async load(name: string): Promise<string> {
    const { rows } = await this.pool.query('SELECT position FROM event_store.relay_checkpoints WHERE name = $1', [name]);
    return rows.length ? String(rows[0].position) : '0';
  }

  async save(name: string, position: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO event_store.relay_checkpoints (name, position) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET position = GREATEST(event_store.relay_checkpoints.position, EXCLUDED.position),
         updated_at = now()`,
      [name, position],
    );
  }
}
