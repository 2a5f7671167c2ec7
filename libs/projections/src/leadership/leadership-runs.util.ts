/**
 * Pairing appointments with departures (see `tenuresOf`) only turns on some rows of each (organization, person,
 * role key) group in valid-time order: a departure that does not follow another one, every rumoured departure and
 * every departure right after a rumoured one (a rumour may be set aside as denied at query time, and a reported or
 * confirmed departure after a rumour ends the tenure in its place), an appointment that opens a
 * tenure (no appointment right before it), the last appointment of a run (its `interim` is the one that stands now),
 * an appointment whose `interim` differs from the appointment right before it (as of a date between them, the earlier
 * one's stands), one whose modality is stronger than the one right before it's (`modalityStrength`: the strongest
 * report of the start's date is what the start shows) and every rumoured appointment (the stories attached to a
 * rumour may confirm it at query time, when it counts as confirmed). Repeated appointments in between change nothing
 * (each is a report or confirmation no stronger than a kept one before it), nor does a
 * departure right after a departure (another report of the same departure: the first stands), so `tenuresOf` over
 * these rows equals `tenuresOf` over all of them, as of any date: the appointments in force at a date, and those
 * dated within the start's date, are each a first part of their run, and the last of the one and the earliest
 * strongest of the other are kept.
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
 * A row's place in its group's valid-time order, as the expressions to order by: an appointment at its valid time's
 * start, a departure at its end (both undated first: no valid time starts at -infinity, every date names a period),
 * a departure before an appointment at the same instant (a departure's end is exclusive: it was over when the other
 * began), then its fact's position. A date is an interval, and the departure came after the appointment it ends:
 * a departure dated "2024-05" ends the tenure of an appointment dated 2024-05-10, and one dated "2024" ends one of
 * 2024-03-15, where ordering both by their start put the departure first (a tenure of unknown start, and the
 * appointment's open for ever). The `leadership_events_runs` index is in this order; every pass in it writes the
 * place as these expressions, so Postgres reads the index in order, with no sort, and a neighbour is one bounded
 * scan of it. `from` and `to` name the valid time's columns (timestamps).
 */
export function placeOf(alias: string, from = 'valid_from', to = 'valid_to'): string[] {
  const a = alias;
  return [
    `CASE WHEN ${a}.kind = 'departed' THEN coalesce(${a}.${to}, '-infinity'::timestamptz) ELSE coalesce(${a}.${from}, '-infinity'::timestamptz) END`,
    `CASE WHEN ${a}.kind = 'departed' AND ${a}.${to} IS NOT NULL THEN 0 ELSE 1 END`,
    `${a}.fact_position`,
  ];
}
const place = (alias: string) => placeOf(alias).join(', ');

/** How strong a report is, as a tenure's start shows it: confirmed over reported over rumored (denied facts never pair). */
const MODALITY_STRENGTH: Readonly<Record<string, number>> = { rumored: 1, reported: 2, confirmed: 3 };
export const modalityStrength = (modality: string): number => MODALITY_STRENGTH[modality] ?? 0;
/** SQL: `modalityStrength` of a modality expression. */
const strengthSql = (modality: string): string =>
  `CASE ${modality} ${Object.entries(MODALITY_STRENGTH)
    .map(([m, n]) => `WHEN '${m}' THEN ${n}`)
    .join(' ')} ELSE 0 END`;
/** SQL: the modality of a strength (`strengthSql`'s inverse). */
const modalityOfSql = (strength: string): string =>
  `(ARRAY[${Object.entries(MODALITY_STRENGTH)
    .sort((a, b) => a[1] - b[1])
    .map(([m]) => `'${m}'`)
    .join(', ')}])[${strength}]`;

/**
 * SQL: the neighbour columns `runEndSql` reads, as window functions over `w` of the rows aliased `alias`: the kinds of
 * the rows before and after, and the `interim` and modality of the row before.
 */
export const neighboursSql = (alias: string, w = 'w'): string =>
  `lag(${alias}.kind) OVER ${w} AS prev_kind, lead(${alias}.kind) OVER ${w} AS next_kind,
   lag(${alias}.interim) OVER ${w} AS prev_interim, lag(${alias}.modality) OVER ${w} AS prev_modality`;

/**
 * SQL: whether the row `alias`, with its neighbours in its group's order as `neighboursSql` names them, is one of
 * those rows. It turns on the row itself and its two neighbours only, which `refreshRunsSql` relies on.
 */
export const runEndSql = (alias: string): string =>
  `(${alias}.kind = 'departed' AND (${alias}.prev_kind IS DISTINCT FROM 'departed' OR ${alias}.modality = 'rumored' OR ${alias}.prev_modality = 'rumored')
    OR ${alias}.kind = 'appointed' AND (${alias}.prev_kind IS DISTINCT FROM 'appointed' OR ${alias}.next_kind IS DISTINCT FROM 'appointed'
      OR ${alias}.modality = 'rumored' OR ${alias}.interim IS DISTINCT FROM ${alias}.prev_interim OR ${strengthSql(`${alias}.modality`)} > ${strengthSql(`${alias}.prev_modality`)}))`;

/**
 * SQL selecting those rows among the rows of `table` (aliased `t`) that match `where`; `columns` is the select list
 * over `t`. One window pass in the order of the `leadership_events_runs` index, which it scans without sorting.
 *
 * `acrossOrganizations`: the rows matching `where` are those of one entity's organizations (slugs merged into one),
 * and a group is a person and role at any of them, so an appointment recorded under one slug and the departure under
 * the other are one run. The run ends of each slug alone (`leadership_runs`) are not those of the union: a departure
 * under the other slug between two repeated appointments makes the later one open a tenure, and the runs of its own
 * slug had left it out. Postgres sorts the entity's rows for this pass (merged entities are few).
 */
export function runEndsSql(
  table: string,
  where: string,
  columns: string = RUN_COLUMNS.map((c) => `t.${c}`).join(', '),
  acrossOrganizations = false,
): string {
  const organization = acrossOrganizations ? '' : 't.organization COLLATE "C", ';
  return `SELECT ${columns} FROM (
      SELECT t.*, ${neighboursSql('t')}
      FROM ${table} t WHERE ${where}
      WINDOW w AS (PARTITION BY ${organization}t.subject COLLATE "C", t.role_key COLLATE "C" ORDER BY ${place('t')})
    ) t
    WHERE ${runEndSql('t')}`;
}

/**
 * The columns of a run row a tenure's bound shows (valid and recorded times as ISO text; the organization it was
 * recorded under, which for an entity of merged slugs may differ between the start and the end).
 */
const BOUND_COLUMNS = ['fact_id', 'version', 'organization', 'occurred_at', 'valid_from', 'valid_to', 'modality', 'recorded_from'] as const;
/** Also read from the bound rows: the times `asOf` is compared with, as timestamps. */
const BOUND_TIMES = ['valid_from_at', 'valid_to_at'] as const;

/**
 * Which tenures a page lists: every one on record, or the roster (those in force now, or as of `asOf`, an SQL
 * expression). `bounds`, when given, keeps only the tenures one of whose bounds it holds for: it maps a bound's fact
 * id (an SQL expression, null for a bound not on record) to an SQL condition.
 */
export type TenuresView = ({ show: 'tenures' } | { show: 'roster'; asOf: string | null }) & {
  bounds?: (factId: string) => string;
  /**
   * Whether a rumoured departure (a run row, aliased by the argument) was denied: an SQL condition, asked of rumoured
   * departures only. A denied rumour is set aside before pairing, as a denied fact is (see `tenuresOf`).
   */
  deniedRumour?: (row: string) => string;
  /**
   * Whether a rumoured appointment (a run row, aliased by the argument) is confirmed by the stories attached to it: an
   * SQL condition, asked of rumoured appointments only. Such a rumour pairs as a confirmed appointment (see `tenuresOf`).
   */
  confirmedRumour?: (row: string) => string;
};

/**
 * SQL for one page of tenures, paired, filtered, ordered and cut in Postgres, so that a page reads its own rows and
 * not every run of the organization. `runs` is a FROM item (aliased `r` here) of the rows pairing turns on (see
 * `runEndsSql`; `leadership_runs` holds them as recorded now) with RUN_COLUMNS, `valid_from`, `valid_to` and
 * `recorded_from` as ISO text, and `valid_from_at`, `valid_to_at` as the timestamps. The rows are those of one
 * organization, or of one entity's organizations (slugs merged into one: `runEndsSql` with `acrossOrganizations`),
 * and pairing does not tell the slugs apart: an appointment recorded under one and the departure under the other
 * are one tenure, whose bounds each carry the organization they were recorded under.
 *
 * Over those rows, less the rumoured departures `deniedRumour` sets aside, in each (person, role key) group in
 * valid-time order, an appointment whose previous row is not an appointment, or a departure first in its group,
 * starts a tenure, and the tenure is that row and the rows up to the next one that starts one: an appointment, the
 * other appointments of its run, then the departures after it (reports of one departure), of which the first reported
 * or confirmed one ends it, else the first (a rumour); or departures alone, a tenure with an unknown start. Of those
 * rows, as `tenuresOf` reads them: the `interim` of the run's last appointment (as of `asOf`, of the last one dated by
 * then), and the start's modality, the strongest of the run's appointments dated within the start's date (as of
 * `asOf`, by then), with the report it comes from when that is another fact (`start_modality_from`: its id and
 * version), all worked out for the page's tenures only, after the cut. For the roster the tenure is then kept
 * or not, and `certain` set, as `rosterAt` does.
 *
 * Listed in `tenureKey` order, strings compared by code point (COLLATE "C"; JavaScript's `<` compares UTF-16
 * units, which differs only between characters above U+FFFF and those from U+E000 to U+FFFF). `after` (the six
 * elements of the last key served) and `limit` are SQL expressions (parameters).
 */
export function tenuresPageSql(runs: string, view: TenuresView, after: readonly string[] | null, limit: string): string {
  // Not by organization: the rows are one entity's, whatever slug each was recorded under. The tenures' window then
  // finds the rows sorted by person and role already (it sorts each group's few rows by tenure: an incremental sort).
  const group = (a: string) => `${a}.subject COLLATE "C", ${a}.role_key COLLATE "C"`;
  const [at, rank, position] = placeOf('r', 'valid_from_at', 'valid_to_at');
  const asOf = view.show === 'roster' && view.asOf !== null ? `${view.asOf}::timestamptz` : null;
  // A rumoured departure that was denied is set aside, as a denied fact is (the check runs for rumours only, which
  // are few: an index probe each).
  const denied = view.deniedRumour
    ? `(SELECT r.* FROM ${runs} WHERE NOT CASE WHEN r.kind = 'departed' AND r.modality = 'rumored' THEN ${view.deniedRumour('r')} ELSE false END) r`
    : runs;
  // A rumoured appointment that the stories attached to it confirm counts as a confirmed one (asked of rumoured
  // appointments only): the run row with its modality so read, the other columns as they are.
  const confirmed = view.confirmedRumour
    ? `CASE WHEN r.kind = 'appointed' AND r.modality = 'rumored' AND ${view.confirmedRumour('r')} THEN 'confirmed' ELSE r.modality END`
    : null;
  const kept = confirmed
    ? `(SELECT ${[...RUN_COLUMNS, ...BOUND_TIMES].map((c) => (c === 'modality' ? `${confirmed} AS modality` : `r.${c}`)).join(', ')} FROM ${denied}) r`
    : denied;
  // Where a tenure starts: an appointment not right after an appointment, or a departure first in its group (a tenure
  // of unknown start). A departure right after a departure belongs to the tenure before it. The place is kept as
  // columns, which the later windows order by.
  const started = `SELECT r.*, ${at} AS place_at, ${rank} AS place_rank,
      CASE WHEN r.kind = 'appointed' THEN lag(r.kind) OVER w IS DISTINCT FROM 'appointed' ELSE lag(r.kind) OVER w IS NULL END AS starts
    FROM ${kept}
    WINDOW w AS (PARTITION BY ${group('r')} ORDER BY ${at}, ${rank}, ${position})`;
  // Each row's tenure: the tenures started up to it in its group.
  const numbered = `SELECT r.*, count(*) FILTER (WHERE r.starts) OVER w AS tenure
    FROM (${started}) r
    WINDOW w AS (PARTITION BY ${group('r')} ORDER BY r.place_at, r.place_rank, r.fact_position)`;
  // Which departure ends a tenure: the first one reported or confirmed, else the first (a rumour). And how many of
  // its group's tenures had begun (as of asOf): a tenure ended by a rumour stays in force until a later one begins.
  const firm = `r.kind = 'departed' AND r.modality <> 'rumored'`;
  const ending = `SELECT r.*,
      count(*) FILTER (WHERE r.kind = 'departed') OVER e AS departures_to,
      count(*) FILTER (WHERE ${firm}) OVER e AS firm_to,
      count(*) FILTER (WHERE ${firm}) OVER (e ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS firm_all,
      count(*) FILTER (WHERE r.starts${asOf ? ` AND r.place_at <= ${asOf}` : ''}) OVER (PARTITION BY ${group('r')}) AS begun
    FROM (${numbered}) r
    WINDOW e AS (PARTITION BY ${group('r')}, r.tenure ORDER BY r.place_at, r.place_rank, r.fact_position)`;
  const ends = `r.kind = 'departed' AND (r.modality <> 'rumored' AND r.firm_to = 1 OR r.departures_to = 1 AND r.firm_all = 0)`;
  // The appointments that count for the interim and the start's modality: those in force as of the roster's date
  // (every one without it), each with its date's start (an appointment's place).
  const counted = `r.kind = 'appointed'${asOf ? ` AND r.place_at <= ${asOf}` : ''}`;
  const last = (c: string) => `last_value(r.${c}) OVER v`;
  const opens = `r.kind = 'appointed'`;
  const bound = [...BOUND_COLUMNS, ...BOUND_TIMES];
  // Each tenure's rows, whole (its appointments and the departure that ends it): the start's own columns, the
  // departure's (its last row, if one), and the interim flags, dates and strengths of the appointments that count, in
  // order.
  const paired = `SELECT r.subject, r.organization, r.role, r.role_category, row_number() OVER v = 1 AS starts,
      r.begun > r.tenure AS later_begun,
      ${bound.map((c) => `CASE WHEN ${opens} THEN r.${c} END AS start_${c}`).join(',\n      ')},
      CASE WHEN ${opens} THEN array_agg(r.interim) FILTER (WHERE ${counted}) OVER v END AS interims,
      CASE WHEN ${opens} THEN array_agg(r.place_at) FILTER (WHERE ${counted}) OVER v END AS dates,
      CASE WHEN ${opens} THEN array_agg(${strengthSql('r.modality')}) FILTER (WHERE ${counted}) OVER v END AS strengths,
      CASE WHEN ${opens} THEN array_agg(r.fact_id) FILTER (WHERE ${counted}) OVER v END AS ids,
      CASE WHEN ${opens} THEN array_agg(r.version) FILTER (WHERE ${counted}) OVER v END AS versions,
      ${[...bound, 'reason', 'destination'].map((c) => `CASE WHEN ${last('kind')} = 'departed' THEN ${last(c)} END AS end_${c}`).join(',\n      ')}
    FROM (${ending}) r
    WHERE r.kind = 'appointed' OR ${ends}
    WINDOW v AS (PARTITION BY ${group('r')}, r.tenure ORDER BY r.place_at, r.place_rank, r.fact_position
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)`;
  // The interim in force: the last counted appointment's. The start's modality: the strongest counted appointment
  // dated within the start's date (from its start to its end; at its instant when it has no end). Neither is a filter
  // or a sort key, so Postgres works them out after the cut, for the page's tenures only (a subquery each: the plan
  // runs it once per row served).
  const interim = `coalesce(t.interims[cardinality(t.interims)], false)`;
  const within = `CASE WHEN t.start_valid_to_at IS NOT NULL THEN u.dated < t.start_valid_to_at
      ELSE u.dated <= coalesce(t.start_valid_from_at, '-infinity'::timestamptz) END`;
  const startModality = `CASE WHEN t.start_fact_id IS NOT NULL THEN coalesce(
      (SELECT ${modalityOfSql('max(u.strength)')} FROM unnest(t.dates, t.strengths) AS u(dated, strength) WHERE ${within}),
      t.start_modality) END`;
  // The report the start's modality comes from when it is another fact: the earliest (in order) of the strongest
  // counted appointments within the start's date, as `tenuresOf` raises the modality only for a stronger one (the
  // start itself is the first counted, so a tie with it is the start's own). Its id and version; the repository reads
  // the rest of it with the bounds' sources.
  const modalityFrom = `CASE WHEN t.start_fact_id IS NOT NULL THEN (
      SELECT CASE WHEN u.id <> t.start_fact_id THEN json_build_object('fact_id', u.id, 'version', u.version) END
      FROM unnest(t.dates, t.strengths, t.ids, t.versions) WITH ORDINALITY AS u(dated, strength, id, version, n)
      WHERE ${within} ORDER BY u.strength DESC, u.n LIMIT 1) END`;
  // Whether the tenure rests on more than rumour: an appointment counted (as of asOf) reported or confirmed (`firm`).
  const restsOnMore = `coalesce(${modalityStrength('reported')} <= ANY(t.strengths), false)`;
  const where = ['t.starts'];
  let certain = 'NULL::boolean';
  // Ended by a rumour only: still in force (not certainly) until a later tenure of the person's role begins.
  const rumouredEnd = `t.end_modality = 'rumored' AND NOT t.later_begun`;
  if (view.show === 'roster' && view.asOf === null) {
    where.push(`(t.end_fact_id IS NULL OR ${rumouredEnd})`);
    certain = `t.start_fact_id IS NOT NULL AND ${restsOnMore} AND t.end_fact_id IS NULL`;
  } else if (view.show === 'roster') {
    const at = `${view.asOf}::timestamptz`;
    // Begun by then (or unknown), and not fully passed: as rosterAt compares the bounds' intervals.
    where.push(`(t.start_valid_from_at IS NULL OR t.start_valid_from_at <= ${at})`);
    where.push(
      `(t.end_fact_id IS NULL OR ${rumouredEnd} OR coalesce(t.end_valid_to_at, t.end_valid_from_at) IS NULL OR coalesce(t.end_valid_to_at, t.end_valid_from_at) > ${at})`,
    );
    certain = `t.start_fact_id IS NOT NULL AND ${restsOnMore} AND coalesce(coalesce(t.start_valid_to_at, t.start_valid_from_at) <= ${at}, true)
      AND (t.end_fact_id IS NULL OR coalesce(t.end_valid_from_at > ${at}, true))`;
  }
  const key = [
    't.role_category',
    't.role',
    "coalesce(t.start_valid_from, '')",
    't.subject',
    "coalesce(t.start_fact_id::text, '')",
    "coalesce(t.end_fact_id::text, '')",
  ].map((c) => `${c} COLLATE "C"`);
  if (view.bounds) where.push(`(${view.bounds('t.start_fact_id')} OR ${view.bounds('t.end_fact_id')})`);
  if (after) where.push(`(${key.join(', ')}) > (${after.join(', ')})`);
  // What a tenure shows (TenureRow): not the timestamps the filters compare, nor `starts`.
  const shown = [
    'subject',
    'organization',
    'role',
    'role_category',
    'interim',
    ...['start', 'end'].flatMap((side) => BOUND_COLUMNS.map((c) => `${side}_${c}`)),
    'end_reason',
    'end_destination',
    'start_modality_from',
  ];
  const computed: Record<string, string> = { interim, start_modality: startModality, start_modality_from: modalityFrom };
  const shownAs = (c: string) => (computed[c] ? `${computed[c]} AS ${c}` : `t.${c}`);
  return `SELECT ${shown.map(shownAs).join(', ')}, ${certain} AS certain FROM (${paired}) t
    WHERE ${where.join(' AND ')}
    ORDER BY ${key.join(', ')}
    LIMIT ${limit}`;
}

/** The standing rows of `table` (aliased `s`) in the same (organization, person, role key) group as the row `x`. */
const sameGroup = (x: string) =>
  `s.organization COLLATE "C" = ${x}.organization AND s.subject COLLATE "C" = ${x}.subject AND s.role_key COLLATE "C" = ${x}.role_key
   AND s.recorded_to IS NULL AND s.modality <> 'denied'`;

/**
 * SQL for the (at most) two standing rows nearest before (`before`) or after the place of row `x` in its group's
 * order (`placeOf`), rows at `x`'s own place left out: RUN_COLUMNS and `side` (-1 before, 1
 * after). One bounded scan of the `leadership_events_runs` index, which holds every run column, stopping at its
 * second row however long the group.
 */
function nearestSql(table: string, x: string, side: 'before' | 'after'): string {
  const cols = RUN_COLUMNS.map((c) => `s.${c}`).join(', ');
  const [cmp, dir, sign] = side === 'before' ? ['<', ' DESC', -1] : ['>', '', 1];
  return `SELECT ${cols}, ${sign} AS side FROM ${table} s
    WHERE ${sameGroup(x)} AND (${place('s')}) ${cmp} (${place(x)})
    ORDER BY ${placeOf('s')
      .map((e) => `${e}${dir}`)
      .join(', ')} LIMIT 2`;
}

/**
 * Whether a row is a run end turns only on itself and its two standing neighbours. So when rows
 * of some facts are added, closed or moved, only those rows and the standing neighbours of their places can
 * change: this statement deletes their run rows and inserts again those that are run ends, reading a few index
 * entries per changed row instead of every row of its group. `ids` is the facts' ids (a uuid[] expression, `$1` by
 * default); the rows of `runs` then equal `runEndsSql` over the whole table.
 *
 * Each changed row reads the two standing rows nearest before its place and the two nearest after it (`seq`): with
 * the row itself when it stands, they are consecutive in its group's order, so the nearest neighbour on each side
 * has both its own neighbours in view and is judged there, with no lookup of its own. The rows at a changed row's
 * own place, left out of its view, are other versions of the same fact (a fact's position is its first event's,
 * and only one version of a fact stands), which are changed rows too. So a closed version's view lacks a row
 * between its neighbours only when its fact's standing version has the same place: that version's view holds the
 * same neighbours, and a neighbour is judged from the view of a standing row when it has one.
 */
export function refreshRunsSql(table: string, runs: string, ids = '$1::uuid[]'): string {
  const cols = RUN_COLUMNS.join(', ');
  const of = (x: string) => RUN_COLUMNS.map((c) => `${x}.${c}`).join(', ');
  return `WITH changed AS (
      SELECT t.* FROM (SELECT DISTINCT id FROM unnest(${ids}) AS u(id)) f CROSS JOIN LATERAL (
        SELECT ${of('t')}, t.recorded_to IS NULL AND t.modality <> 'denied' AS standing
        FROM ${table} t WHERE t.fact_id = f.id OFFSET 0
      ) t
    ),
    seq AS (
      SELECT c.fact_id AS c_fact, c.version AS c_version, c.standing AS c_standing, s.*
      FROM changed c CROSS JOIN LATERAL (
        (${nearestSql(table, 'c', 'before')})
        UNION ALL
        SELECT ${of('c')}, 0 WHERE c.standing
        UNION ALL
        (${nearestSql(table, 'c', 'after')})
      ) s
    ),
    judged AS (
      SELECT s.*, ${neighboursSql('s')},
        lag(s.side) OVER w AS prev_side, lead(s.side) OVER w AS next_side
      FROM seq s WINDOW w AS (PARTITION BY s.c_fact, s.c_version ORDER BY ${place('s')})
    ),
    candidates AS (
      SELECT * FROM judged WHERE side = 0
      UNION ALL
      (SELECT DISTINCT ON (j.fact_id, j.version) j.* FROM judged j
        WHERE (j.side = -1 AND j.next_side IS DISTINCT FROM -1 OR j.side = 1 AND j.prev_side IS DISTINCT FROM 1)
          AND NOT EXISTS (SELECT 1 FROM changed c WHERE c.fact_id = j.fact_id AND c.version = j.version)
        ORDER BY j.fact_id, j.version, j.c_standing DESC)
    ),
    affected AS (
      SELECT fact_id, version, organization, subject, role_key FROM changed
      UNION ALL
      SELECT fact_id, version, organization, subject, role_key FROM candidates WHERE side <> 0
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
    SELECT ${cols} FROM candidates t
    WHERE ${runEndSql('t')}`;
}
