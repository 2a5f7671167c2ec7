import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';

interface PgClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/**
 * Runs one statement as a named prepared statement on the connection of `manager`'s transaction, so Postgres parses
 * and plans it once per connection instead of once per call (a projector's connections live as long as it does).
 * For statements whose planning costs more than their running: the leadership runs refresh plans in about 8 ms and
 * runs in about 1. The name is a hash of the text, so each table set (a rebuild's suffixed tables) gets its own.
 *
 * A renamed or replaced table (a rebuild's swap) invalidates the plan, and Postgres analyses the text again, names
 * and all, on the next call. Not for a pooler in transaction mode, which would hand the statement another backend.
 * Without a transaction's connection (no query runner) it falls back to an ordinary query.
 */
export async function queryPrepared(manager: EntityManager, text: string, values: unknown[]): Promise<unknown[]> {
  const runner = manager.queryRunner as unknown as { connect?: () => Promise<PgClient> } | undefined;
  if (!runner?.connect) return manager.query(text, values);
  const client = await runner.connect();
  return (await client.query({ name: preparedName(text), text, values })).rows;
}

/** The name `queryPrepared` gives a statement's text on a connection. */
export function preparedName(text: string): string {
  return `newsroom_${createHash('sha1').update(text).digest('hex').slice(0, 32)}`;
}

/**
 * Plan generations for a prepared statement whose best plan depends on the size of the tables it reads. A prepared
 * statement keeps its plan until the table's statistics change (autovacuum's ANALYZE: at most once a minute, and
 * after 10% growth), so a projector starting on new read models (a new deployment, the bench's drain) would keep
 * plans made on nearly empty tables while they grow: sequential scans where an index now pays. `text` gives the
 * statement a new name (its text carries the generation) each time the rows this instance has written with it
 * doubled, from `from`: a dozen generations over a million rows. Planning estimates from the table's current size,
 * so a new plan fits even before the next ANALYZE.
 */
export class PlanGenerations {
  private rows = 0;

  constructor(private readonly from = 256) {}

  /** Counts rows this instance writes to the tables the statements read. */
  grow(rows: number): void {
    this.rows += rows;
  }

  /** The statement's text for the current generation (`queryPrepared` names a statement by its text). */
  text(sql: string): string {
    const generation = Math.floor(Math.log2(1 + this.rows / this.from));
    return generation ? `${sql}\n/* plan generation ${generation} */` : sql;
  }
}
