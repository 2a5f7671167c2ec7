import { MigrationInterface, QueryRunner } from 'typeorm';

const STATUS = `CASE WHEN t.version > 1 THEN 'corrected' ELSE 'current' END`;
const NAME = (col: string, alias: string) =>
  `coalesce((SELECT display_name FROM read_model.entities ${alias} WHERE ${alias}.subject = ${col}), ${col})`;
const OUTLETS = `(SELECT string_agg(x->>'outlet', '; ') FROM jsonb_array_elements(t.sources) x)`;
const QUARTER_OF = (from: string) => `to_char(${from} AT TIME ZONE 'UTC', 'YYYY-"Q"Q')`;
const QUARTER = `CASE WHEN ${QUARTER_OF('t.valid_from')} = ${QUARTER_OF(`(t.valid_to - interval '1 millisecond')`)} THEN ${QUARTER_OF('t.valid_from')} END`;
const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * Every standing departure with the claim the API counts it by and whether it is a rumour set aside: the person and
 * organization by their canonical subject (a standing merge's chain end, as `reporting.entity_links` has it), the role
 * by its key (`role_key`: case and spacing folded, a French-only role by its English). A rumour is set aside by a
 * standing denied departure of its claim that answers it (`denialAnswersRumour`: unless the rumour is dated wholly
 * after the denial; undated on either side, it answers), or by a story on it whose latest word is `denies` (each
 * outlet's last word in its feed item's corroboration, as `reporting.fact_corroboration` counts `denies`).
 */
const JUDGED = `WITH RECURSIVE chain AS (
      SELECT m.subject, m.target AS reached, ARRAY[m.subject, m.target] AS path FROM read_model.entity_links m
      WHERE m.link = 'merge' AND m.unlinked_position IS NULL
      UNION ALL
      SELECT c.subject, m.target, c.path || m.target FROM chain c
      JOIN read_model.entity_links m ON m.subject = c.reached AND m.link = 'merge' AND m.unlinked_position IS NULL
      WHERE NOT m.target = ANY(c.path)
    ),
    canonical AS (SELECT DISTINCT ON (subject) subject, reached FROM chain ORDER BY subject, cardinality(path) DESC),
    claims AS (
      SELECT l.fact_id, l.modality, l.valid_from, l.valid_to, l.role_key,
        coalesce(cp.reached, l.subject) AS canonical_person, coalesce(co.reached, l.organization) AS canonical_organization
      FROM read_model.leadership_events l
      LEFT JOIN canonical cp ON cp.subject = l.subject
      LEFT JOIN canonical co ON co.subject = l.organization
      WHERE l.kind = 'departed' AND l.recorded_to IS NULL
    ),
    judged AS (
      SELECT c.*, CASE WHEN c.modality = 'rumored' THEN
          EXISTS (SELECT 1 FROM claims d WHERE d.modality = 'denied' AND d.role_key = c.role_key
            AND d.canonical_person = c.canonical_person AND d.canonical_organization = c.canonical_organization
            AND (d.valid_to IS NULL OR c.valid_from IS NULL OR c.valid_from < d.valid_to))
          OR EXISTS (SELECT 1 FROM (
            SELECT DISTINCT ON (x.e->>'key') x.e->>'stance' AS stance
            FROM read_model.feed_items f CROSS JOIN LATERAL jsonb_array_elements(f.corroboration) WITH ORDINALITY AS x(e, n)
            WHERE f.event_id = c.fact_id ORDER BY x.e->>'key', x.n DESC) w WHERE w.stance = 'denies')
        ELSE false END AS set_aside
      FROM claims c
    )`;

/** What a report counts in a departures group: `count` (reported, confirmed), `rumored` (a live rumour), null. */
const COUNTS_IN = `CASE WHEN t.modality = 'denied' OR j.set_aside THEN NULL WHEN t.modality = 'rumored' THEN 'rumored' ELSE 'count' END`;

/** The two views, their columns as they were (through the *_i18n), then the new ones at the end. */
const VIEWS = [
  {
    name: 'leadership_events',
    comment:
      'Appointments and departures as they stand now, one row per fact; set_aside: a rumoured departure a denial answered ' +
      '(a denied departure of its claim not dated before it, or a story on it whose latest word denies it), which the roster sets aside.',
    sql: `${JUDGED}
    SELECT t.fact_id, t.subject AS person, ${NAME('t.subject', 'p')} AS person_name, t.organization,
      ${NAME('t.organization', 'o')} AS organization_name, t.kind, t.role, t.role_category, t.interim, t.reason, t.destination,
      t.occurred_at, t.valid_from, t.valid_to, t.modality, ${STATUS} AS fact_status, t.recorded_from AS recorded_at,
      t.inferred, t.role_i18n, t.destination_i18n, coalesce(j.set_aside, false) AS set_aside
      FROM read_model.leadership_events t LEFT JOIN judged j ON j.fact_id = t.fact_id
      WHERE t.recorded_to IS NULL`,
  },
  {
    name: 'departures',
    comment:
      'Departures as they stand now; quarter is the calendar quarter (UTC) holding the whole occurred interval, null when it spans ' +
      'more than one or is unknown (GET /v1/reports/departures?groupBy=quarter lists those as unplaced). set_aside: a rumour a ' +
      "denial answered; counts_in: what the API's groups count the report in (count, rumored; null: a denial or a rumour set " +
      'aside); a group counts each (canonical_person, canonical_organization, role_key) once.',
    sql: `${JUDGED}
    SELECT t.fact_id, t.subject AS person, ${NAME('t.subject', 'p')} AS person_name, t.organization,
      ${NAME('t.organization', 'o')} AS organization_name, t.role, t.role_category, t.reason, t.destination, t.occurred_at,
      t.valid_from, t.valid_to, ${QUARTER} AS quarter, t.modality,
      ${STATUS} AS fact_status, t.recorded_from AS recorded_at, ${OUTLETS} AS source_outlets,
      t.inferred, t.role_i18n, t.destination_i18n,
      j.role_key, j.canonical_person, j.canonical_organization, coalesce(j.set_aside, false) AS set_aside, ${COUNTS_IN} AS counts_in
      FROM read_model.departures t LEFT JOIN judged j ON j.fact_id = t.fact_id
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
    await q.query(`ALTER TABLE read_model.conflict_facts DROP COLUMN modality`);
  }
}
