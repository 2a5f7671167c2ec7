/**
 * The statement both registries of first sightings write with (the stories' in `sources`, the subjects' in
 * `entities`): one row per key, keeping the earliest sighting (`first_position`, `first_recorded_at`) whatever order
 * partitions deliver in, so replays and rebuilds agree. `earlier` columns take the earlier sighting's value too.
 *
 * A sighting at or after the stored first one is filtered out before the insert: no new row version, and no row lock
 * held to the end of the batch (concurrent partitions naming the same key would queue on it). Safe: first sightings
 * only ever move earlier, so a stored one at or before ours stays so. The filter is a scalar subquery, not NOT EXISTS:
 * one probe of the primary key per row, whatever the planner guesses of the document's length (as an anti join, a
 * plan that took the document for 100 rows hashed the whole table).
 *
 * The rows come as one JSON document (`$1`, objects keyed by column): its row estimate does not depend on the batch,
 * so a prepared statement keeps one plan for every batch (from arrays, Postgres planned each batch anew for its
 * length). The probe reads the table, so callers plan it again as the table grows (`PlanGenerations`).
 */
export function firstSightingUpsertSql(table: string, key: string, columns: Record<string, string>, earlier: string[] = []): string {
  const names = Object.keys(columns);
  const kept = earlier.map((c) => `${c} = CASE WHEN EXCLUDED.first_position < r.first_position THEN EXCLUDED.${c} ELSE r.${c} END`);
  return `INSERT INTO ${table} AS r (${names.join(', ')})
       SELECT ${names.join(', ')}
       FROM jsonb_to_recordset($1::jsonb) AS s(${names.map((c) => `${c} ${columns[c]}`).join(', ')})
       WHERE NOT (SELECT EXISTS (
         SELECT 1 FROM ${table} k WHERE k.${key} = s.${key}
           AND k.first_position <= s.first_position AND k.first_recorded_at <= s.first_recorded_at
       ))
       ON CONFLICT (${key}) DO UPDATE SET
         ${[...kept, 'first_position = LEAST(r.first_position, EXCLUDED.first_position)', 'first_recorded_at = LEAST(r.first_recorded_at, EXCLUDED.first_recorded_at)'].join(',\n         ')}
       WHERE EXCLUDED.first_position < r.first_position OR EXCLUDED.first_recorded_at < r.first_recorded_at`;
}
