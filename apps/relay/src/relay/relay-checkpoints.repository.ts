import { textOf } from '@newsroom/domain';
import { EventLogReader, StoredEvent } from '@newsroom/event-store';
import { Pool } from 'pg';

/** Anything that runs a query: the pool, or the relay leader's lock session (so a dead session fails the cycle). */
export interface Queryable {
  query(config: { text: string; values?: unknown[]; query_timeout?: number }): Promise<{ rows: Array<Record<string, unknown>> }>;
}

/**
 * On the lock session a hung connection (a network drop the socket does not see) must not hold the relay
 * forever: past this, the query fails and the relay gives up its leadership.
 */
const QUERY_TIMEOUT_MS = 10_000;

/** The relay's position per topic, in the same database as the log it copies. */
export class RelayCheckpoints {
  constructor(private readonly pool: Pool) {}

  async load(name: string, db: Queryable = this.pool): Promise<string> {
    const { rows } = await db.query({
      text: 'SELECT position FROM event_store.relay_checkpoints WHERE name = $1',
      values: [name],
      query_timeout: QUERY_TIMEOUT_MS,
    });
    return rows.length ? textOf(rows[0].position) : '0';
  }

  /** The checkpoint and the committed events after it, at most `limit`, in one statement (EventLogReader.unpublished). */
  async loadWithEvents(name: string, limit: number, db: Queryable = this.pool): Promise<{ checkpoint: string; events: StoredEvent[] }> {
    const reader = new EventLogReader({ query: (text, values) => db.query({ text, values, query_timeout: QUERY_TIMEOUT_MS }) });
    return reader.unpublished(name, limit);
  }

  async save(name: string, position: string, db: Queryable = this.pool): Promise<void> {
    await db.query({
      text: `INSERT INTO event_store.relay_checkpoints (name, position) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET position = GREATEST(event_store.relay_checkpoints.position, EXCLUDED.position),
         updated_at = now()`,
      values: [name, position],
      query_timeout: QUERY_TIMEOUT_MS,
    });
  }
}
