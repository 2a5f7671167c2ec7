import { MigrationInterface, QueryRunner } from 'typeorm';

const STATUS = `CASE WHEN t.version > 1 THEN 'corrected' ELSE 'current' END`;
const NAME = (col: string, alias: string) =>
  `coalesce((SELECT display_name FROM read_model.entities ${alias} WHERE ${alias}.subject = ${col}), ${col})`;
const OUTLETS = `(SELECT string_agg(x->>'outlet', '; ') FROM jsonb_array_elements(t.sources) x)`;
const QUARTER_OF = (from: string) => `to_char(${from} AT TIME ZONE 'UTC', 'YYYY-"Q"Q')`;
const QUARTER = `CASE WHEN ${QUARTER_OF('t.valid_from')} = ${QUARTER_OF(`(t.valid_to - interval '1 millisecond')`)} THEN ${QUARTER_OF('t.valid_from')} END`;
const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * SQL for the WITH list of both views: `canonical`, a standing merge's chain end per subject merged into another (as
 * `reporting.entity_links.canonical_subject` has it), and `denials`, the standing denied departures by claim (the
 * person and organization by their canonical subject, the role by its key): whether one is undated and when the latest
 * ends. Some denial of a claim answers a rumour (`denialAnswersRumour`: unless the rumour is dated wholly after it;
 * undated on either side, it answers) when one is undated or the rumour begins before the latest ends, so a rumour
 * finds its claim's denials in one hash lookup. Denials are few: they are read through a partial index of their own.
 */
const WITH = `WITH RECURSIVE chain AS (
      SELECT m.subject, m.target AS reached, ARRAY[m.subject, m.target] AS path FROM read_model.entity_links m
      WHERE m.link = 'merge' AND m.unlinked_position IS NULL
      UNION ALL
      SELECT c.subject, m.target, c.path || m.target FROM chain c
      JOIN read_model.entity_links m ON m.subject = c.reached AND m.link = 'merge' AND m.unlinked_position IS NULL
      WHERE NOT m.target = ANY(c.path)
    ),
    canonical AS (SELECT DISTINCT ON (subject) subject, reached FROM chain ORDER BY subject, cardinality(path) DESC),
    denials AS (
      SELECT coalesce(dp.reached, d.subject) AS person, coalesce(dorg.reached, d.organization) AS organization, d.role_key,
        bool_or(d.valid_to IS NULL) AS undated, max(d.valid_to) AS latest_to
      FROM read_model.leadership_events d
      LEFT JOIN canonical dp ON dp.subject = d.subject
      LEFT JOIN canonical dorg ON dorg.subject = d.organization
      WHERE d.kind = 'departed' AND d.modality = 'denied' AND d.recorded_to IS NULL
      GROUP BY 1, 2, 3
    )`;

/**
 * SQL joins giving the departure row `t` its claim (`k`: the person and organization by their canonical subject, and
 * the role key of `l`, its leadership row) and whether it is a rumour set aside, as the API's counts and roster set it
 * aside (`s.set_aside`): by its claim's denials (`denials`, above), or by a story on it whose latest word is `denies`
 * (each outlet's last word in its feed item's corroboration, as `reporting.fact_corroboration` counts `denies`: an index
 * probe per rumour). Joins, not a subquery per row, so the planner reads a few rows by index or all by hash, as the
 * query filters.
 */
const JUDGED = `LEFT JOIN canonical cp ON cp.subject = t.subject
      LEFT JOIN canonical co ON co.subject = t.organization
      CROSS JOIN LATERAL (SELECT l.role_key, coalesce(cp.reached, t.subject) AS canonical_person,
        coalesce(co.reached, t.organization) AS canonical_organization) k
      LEFT JOIN denials dn ON dn.person = k.canonical_person AND dn.organization = k.canonical_organization AND dn.role_key = k.role_key
      CROSS JOIN LATERAL (SELECT CASE WHEN t.modality = 'rumored' THEN
          dn.role_key IS NOT NULL AND (dn.undated OR t.valid_from IS NULL OR coalesce(t.valid_from < dn.latest_to, false))
          OR EXISTS (SELECT 1 FROM (
            SELECT DISTINCT ON (x.e->>'key') x.e->>'stance' AS stance
            FROM read_model.feed_items f CROSS JOIN LATERAL jsonb_array_elements(f.corroboration) WITH ORDINALITY AS x(e, n)
            WHERE f.event_id = t.fact_id ORDER BY x.e->>'key', x.n DESC) w WHERE w.stance = 'denies')
        ELSE false END AS set_aside) s`;

/** What a report counts in a departures group: `count` (reported, confirmed), `rumored` (a live rumour), null. */
const COUNTS_IN = `CASE WHEN t.modality = 'denied' OR s.set_aside THEN NULL WHEN t.modality = 'rumored' THEN 'rumored' ELSE 'count' END`;

/** The two views, their columns as they were (through the *_i18n), then the new ones at the end. */
const VIEWS = [
  {
    name: 'leadership_events',
    comment:
      'Appointments and departures as they stand now, one row per fact; set_aside: a rumoured departure a denial answered ' +
      '(a denied departure of its claim not dated wholly before it, or a story on it whose latest word denies it), which the roster sets aside.',
    sql: `${WITH}
    SELECT t.fact_id, t.subject AS person, ${NAME('t.subject', 'p')} AS person_name, t.organization,
      ${NAME('t.organization', 'o')} AS organization_name, t.kind, t.role, t.role_category, t.interim, t.reason, t.destination,
      t.occurred_at, t.valid_from, t.valid_to, t.modality, ${STATUS} AS fact_status, t.recorded_from AS recorded_at,
      t.inferred, t.role_i18n, t.destination_i18n, t.kind = 'departed' AND s.set_aside AS set_aside
      FROM read_model.leadership_events t CROSS JOIN LATERAL (SELECT t.role_key) l
      ${JUDGED}
      WHERE t.recorded_to IS NULL`,
  },
  {
    name: 'departures',
    comment:
      'Departures as they stand now; quarter is the calendar quarter (UTC) holding the whole occurred interval, null when it spans ' +
      'more than one or is unknown (GET /v1/reports/departures?groupBy=quarter lists those as unplaced). set_aside: a rumour a ' +
      "denial answered; counts_in: what the API's groups count the report in (count, rumored; null: a denial or a rumour set " +
      'aside); a group counts each (canonical_person, canonical_organization, role_key) once.',
    sql: `${WITH}
    SELECT t.fact_id, t.subject AS person, ${NAME('t.subject', 'p')} AS person_name, t.organization,
      ${NAME('t.organization', 'o')} AS organization_name, t.role, t.role_category, t.reason, t.destination, t.occurred_at,
      t.valid_from, t.valid_to, ${QUARTER} AS quarter, t.modality,
      ${STATUS} AS fact_status, t.recorded_from AS recorded_at, ${OUTLETS} AS source_outlets,
      t.inferred, t.role_i18n, t.destination_i18n,
      k.role_key, k.canonical_person, k.canonical_organization, s.set_aside, ${COUNTS_IN} AS counts_in
      FROM read_model.departures t
      LEFT JOIN read_model.leadership_events l ON l.fact_id = t.fact_id AND l.version = t.version AND l.part = ''
      ${JUDGED}
      WHERE t.recorded_to IS NULL`,
  },
];

/**
 * A denial answers the rumours dated no later than it, and contradicts only a departure it could not be true beside
 * (the fifty-fifth session's testers): one denial of a role set aside every rumour of the role, a later one too, and a
 * denied departure and a report of a later departure were listed as a conflict (their dates "cannot both be true"),
 * while a rumour and its denial dated two days apart were one too.
 *
 * `conflict_facts` keeps each fact's modality (the conflict rules compare a departure's denial otherwise), filled from
 * the log (as a fold would store it); the conflicts are folded again in the background by the
 * projector (a `projection_backfills` intent, the rebuild `npx newsroom rebuild conflicts` runs) on a database that
 * holds a denied departure, as their pairs change.
 *
 * `reporting.departures` and `reporting.leadership_events` could not tell a rumour set aside from a live one, so a BI
 * count of rows differed from the API's `count` and `rumored`: both gain `set_aside`, and `departures` the claim the
 * API counts by (`role_key`, `canonical_person`, `canonical_organization`) and `counts_in`, at the end; the columns
 * before stay as they were. create_views() drops the two first (an older body recreates them narrower, which a view
 * cannot become in place), runs the previous bodies, then makes them wide again.
 */
export class DepartureDenials1764902300000 implements MigrationInterface {
  name = 'DepartureDenials1764902300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE read_model.conflict_facts ADD COLUMN modality text NOT NULL DEFAULT 'reported'`);
    // The standing denials the two views read, without a pass over every leadership fact.
    await q.query(`CREATE INDEX leadership_events_denials ON read_model.leadership_events (subject, organization, role_key)
      WHERE kind = 'departed' AND modality = 'denied' AND recorded_to IS NULL`);
    await q.query(
      `UPDATE read_model.conflict_facts f SET modality = e.modality FROM event_store.events e
       WHERE e.event_id = f.fact_id AND e.modality <> 'reported'`,
    );
    await q.query(
      `INSERT INTO read_model.projection_backfills (projection, reason)
       SELECT 'conflicts', 'a denial contradicts only a departure dated by it, and a rumour it answers is no conflict'
       WHERE EXISTS (SELECT 1 FROM read_model.conflict_facts WHERE modality = 'denied' AND NOT retracted)
         AND EXISTS (SELECT 1 FROM read_model.projection_checkpoints WHERE projection = 'conflicts')
       ON CONFLICT (projection) DO NOTHING`,
    );
    await q.query(`ALTER FUNCTION reporting.create_views() RENAME TO create_views_before_departure_denials`);
    const body = VIEWS.map((v) => `CREATE OR REPLACE VIEW reporting.${v.name} AS ${v.sql};\n  COMMENT ON VIEW reporting.${v.name} IS ${quote(v.comment)};`);
    await q.query(`CREATE FUNCTION reporting.create_views() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  DROP VIEW IF EXISTS ${VIEWS.map((v) => `reporting.${v.name}`).join(', ')};
  PERFORM reporting.create_views_before_departure_denials();
  ${body.join('\n  ')}
END $fn$`);
    await q.query(`SELECT reporting.create_views()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION reporting.create_views()`);
    await q.query(`ALTER FUNCTION reporting.create_views_before_departure_denials() RENAME TO create_views`);
    // The previous bodies make the two views narrower, which a view cannot become in place.
    await q.query(`DROP VIEW IF EXISTS ${VIEWS.map((v) => `reporting.${v.name}`).join(', ')}`);
    await q.query(`SELECT reporting.create_views()`);
    await q.query(`DROP INDEX read_model.leadership_events_denials`);
    await q.query(`ALTER TABLE read_model.conflict_facts DROP COLUMN modality`);
  }
}
