import { DataSource } from 'typeorm';
import { SqlParams } from './sql.builder';

/** fact id -> ids of the conflicts it is a side of (open at knownAt). */
export type ConflictsWithMap = Map<string, string[]>;

/** A fact's conflicts from the map ([] when none). */
export const conflictsWithIn = (map: ConflictsWithMap, factId: string): string[] => map.get(factId) ?? [];

/** SQL over `c` (read_model.conflicts): the conflict was open at `knownAt` (now without it). */
export function openAtSql(knownAt: string | null, p: SqlParams): string {
  if (!knownAt) return `c.status = 'open'`;
  const k = p.add(knownAt, '::timestamptz');
  return `c.opened_at <= ${k} AND (c.closed_at IS NULL OR c.closed_at > ${k})`;
}

/**
 * `conflictsWith` of report items: the ids of the conflicts each fact is a side of, open at `knownAt` (now when
 * null), in the order they opened. The ids are those of GET /v1/reports/conflicts.
 */
export async function loadConflictsWith(db: DataSource, factIds: readonly string[], knownAt: string | null): Promise<ConflictsWithMap> {
  const map: ConflictsWithMap = new Map();
  const ids = [...new Set(factIds)];
  if (!ids.length) return map;
  const p = new SqlParams();
  const facts = p.add(ids, '::uuid[]');
  const rows: Array<{ fact_id: string; conflict_id: string }> = await db.query(
    `SELECT s.fact_id, c.conflict_id FROM read_model.conflicts c
     CROSS JOIN LATERAL (VALUES (c.a_event_id), (c.b_event_id)) AS s(fact_id)
     WHERE (c.a_event_id = ANY(${facts}) OR c.b_event_id = ANY(${facts})) AND s.fact_id = ANY(${facts}) AND ${openAtSql(knownAt, p)}
     ORDER BY c.opened_position, c.conflict_id`,
    p.values,
  );
  for (const r of rows) map.set(r.fact_id, [...(map.get(r.fact_id) ?? []), r.conflict_id]);
  return map;
}
