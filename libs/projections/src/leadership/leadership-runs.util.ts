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

/** The standing rows of `table` (aliased `s`) in the same (organization, person, role key) group as the row `x`. */
const sameGroup = (x: string) =>
  `s.organization = ${x}.organization AND s.subject COLLATE "C" = ${x}.subject AND s.role_key COLLATE "C" = ${x}.role_key
   AND s.recorded_to IS NULL AND s.modality <> 'denied'`;
const BACKWARD = 's.valid_from DESC NULLS LAST, s.fact_position DESC';
const FORWARD = 's.valid_from NULLS FIRST, s.fact_position';

/**
 * SQL for the standing row right before (`before`) or right after the position of row `x` in its group's valid-time
 * order (valid_from NULLS FIRST, fact_position), `x` itself excluded; at most one row of `columns`. Each branch is
 * a bounded scan of the `leadership_events_runs` index that stops at its first row, however long the group.
 */
function neighbourSql(table: string, x: string, side: 'before' | 'after', columns: string): string {
  const branch = (where: string, order: string) =>
    `(SELECT s.* FROM ${table} s WHERE ${sameGroup(x)} AND ${where} ORDER BY ${order} LIMIT 1)`;
  const row = `(s.valid_from, s.fact_position)`;
  const at = `(${x}.valid_from, ${x}.fact_position)`;
  const branches =
    side === 'before'
      ? [
          branch(`${row} < ${at}`, BACKWARD),
          branch(`${x}.valid_from IS NULL AND s.valid_from IS NULL AND s.fact_position < ${x}.fact_position`, BACKWARD),
          branch(`${x}.valid_from IS NOT NULL AND s.valid_from IS NULL`, BACKWARD),
        ]
      : [
          branch(`${row} > ${at}`, FORWARD),
          branch(`${x}.valid_from IS NULL AND s.valid_from IS NULL AND s.fact_position > ${x}.fact_position`, FORWARD),
          branch(`${x}.valid_from IS NULL AND s.valid_from IS NOT NULL`, FORWARD),
        ];
  return `SELECT ${columns} FROM (${branches.join(' UNION ALL ')}) s ORDER BY ${side === 'before' ? BACKWARD : FORWARD} LIMIT 1`;
}

/**
 * Whether a row is a run end turns only on its own kind and the kinds of its two standing neighbours. So when rows
 * of some facts are added, closed or moved, only those rows and the standing neighbours of their positions can
 * change: this statement deletes their run rows and inserts again those that are run ends, reading a few index
 * entries per changed row instead of every row of its group. `ids` is the facts' ids (a uuid[] expression, `$1` by
 * default); the rows of `runs` then equal `runEndsSql` over the whole table.
 */
export function refreshRunsSql(table: string, runs: string, ids = '$1::uuid[]'): string {
  const cols = RUN_COLUMNS.join(', ');
  const key = 's.fact_id, s.version, s.organization, s.subject, s.role_key';
  return `WITH changed AS (
      SELECT t.* FROM unnest(${ids}) AS f(id) CROSS JOIN LATERAL (
        SELECT t.fact_id, t.version, t.organization, t.subject, t.role_key, t.valid_from, t.fact_position FROM ${table} t WHERE t.fact_id = f.id OFFSET 0
      ) t
    ),
    affected AS (
      SELECT fact_id, version, organization, subject, role_key FROM changed
      UNION
      SELECT n.* FROM changed c CROSS JOIN LATERAL (
        (${neighbourSql(table, 'c', 'before', key)}) UNION ALL (${neighbourSql(table, 'c', 'after', key)})
      ) n
    ),
    gone AS (
      DELETE FROM ${runs} r WHERE r.ctid = ANY (ARRAY(
        SELECT x.ctid FROM affected a CROSS JOIN LATERAL (
          SELECT r.ctid FROM ${runs} r WHERE r.organization = a.organization AND r.subject = a.subject AND r.role_key = a.role_key
            AND r.fact_id = a.fact_id AND r.version = a.version OFFSET 0
        ) x
      ))
    )
    INSERT INTO ${runs} (${cols})
    SELECT ${cols} FROM (
      SELECT t.*, p.kind AS prev_kind, n.kind AS next_kind
      FROM affected a CROSS JOIN LATERAL (SELECT t.* FROM ${table} t WHERE t.fact_id = a.fact_id AND t.version = a.version OFFSET 0) t
      LEFT JOIN LATERAL (${neighbourSql(table, 't', 'before', 's.kind')}) p ON true
      LEFT JOIN LATERAL (${neighbourSql(table, 't', 'after', 's.kind')}) n ON true
      WHERE t.recorded_to IS NULL AND t.modality <> 'denied'
    ) t
    WHERE t.kind = 'departed' OR t.prev_kind IS DISTINCT FROM 'appointed' OR t.next_kind IS DISTINCT FROM 'appointed'`;
}
