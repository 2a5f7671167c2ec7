/**
 * Pairing appointments with departures (see `tenuresOf`) only turns on some rows of each (organization, person,
 * role key) group in valid-time order: a departure, an appointment that opens a tenure (no appointment right
 * before it) and the last appointment of a run (its `interim` is the one that stands). Repeated appointments in
 * between change nothing, so `tenuresOf` over these rows equals `tenuresOf` over all of them.
 */
export const RUN_COLUMNS = [
  'organization',
  'subject',
  'role_key',
  'fact_id',
  'version',
  'modality',
  'occurred_at',
  'fact_position',
  'kind',
  'role',
  'role_category',
  'interim',
  'reason',
  'destination',
  'valid_from',
  'valid_to',
  'recorded_from',
] as const;

/**
 * SQL selecting those rows among the rows of `table` (aliased `t`) that match `where`; `columns` is the select list
 * over `t`. One window pass in the order of the `leadership_events_runs` index, which it scans without sorting.
 */
export function runEndsSql(table: string, where: string, columns: string = RUN_COLUMNS.map((c) => `t.${c}`).join(', ')): string {
  return `SELECT ${columns} FROM (
      SELECT t.*, lag(t.kind) OVER w AS prev_kind, lead(t.kind) OVER w AS next_kind
      FROM ${table} t WHERE ${where}
      WINDOW w AS (PARTITION BY t.organization, t.subject COLLATE "C", t.role_key COLLATE "C" ORDER BY t.valid_from NULLS FIRST, t.fact_position)
    ) t
    WHERE t.kind = 'departed' OR t.prev_kind IS DISTINCT FROM 'appointed' OR t.next_kind IS DISTINCT FROM 'appointed'`;
}
