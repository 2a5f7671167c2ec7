import { MigrationInterface, QueryRunner } from 'typeorm';

const STATUS = `CASE WHEN t.version > 1 THEN 'corrected' ELSE 'current' END`;
const NAME = (col: string, alias: string) =>
  `coalesce((SELECT display_name FROM read_model.entities ${alias} WHERE ${alias}.subject = ${col}), ${col})`;
const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** A step's place in valid time, descending, as 1764901700000 places it (the end of its date, then its position). */
const STEP_PLACE_DESC = (alias: string) => `coalesce(${alias}.valid_to, '-infinity'::timestamptz) DESC, ${alias}.fact_position DESC`;
const STEP_PLACE = (alias: string) => `(coalesce(${alias}.valid_to, '-infinity'::timestamptz), ${alias}.fact_position)`;

/**
 * Each outlet's latest word among the stories attached to the step `alias` (`POST /v1/events/{id}/sources`), from the
 * step's feed item: an attached story's entry is the one whose id is its event's id alone (a fact's own sources and a
 * correction's are `<event id>:<index>`), entries in the order recorded.
 */
const WORDS = (alias: string) => `SELECT DISTINCT ON (x.e->>'key') x.e->>'stance' AS stance
      FROM read_model.feed_items f CROSS JOIN LATERAL jsonb_array_elements(f.corroboration) WITH ORDINALITY AS x(e, n)
      WHERE f.event_id = ${alias}.fact_id AND strpos(x.e->>'id', ':') = 0
      ORDER BY x.e->>'key', x.n DESC`;
const CONFIRMED = (alias: string) =>
  `coalesce((SELECT bool_or(w.stance = 'confirms') AND NOT bool_or(w.stance = 'denies') FROM (${WORDS(alias)}) w), false)`;
const DENIED_WORD = (alias: string) => `coalesce((SELECT bool_or(w.stance = 'denies') FROM (${WORDS(alias)}) w), false)`;
/** Whether a step sets its case's status: not denied, and a rumour only once the stories attached confirm it. */
const SETS_STATUS = (alias: string) => `(${alias}.modality <> 'denied' AND (${alias}.modality <> 'rumored' OR ${CONFIRMED(alias)}))`;
const STEPS = (alias: string) => `${alias}.subject = t.subject AND ${alias}.kind = 'status' AND ${alias}.recorded_to IS NULL`;

/**
 * `reporting.lawsuits` as 1764901700000 made it (its columns, names, types and order kept), `current_status` and
 * `status_occurred_at` now leaving out unconfirmed rumours, and `rumored_status` added at the end: the latest rumoured
 * step after that status which does not count, unless a denied step of its status or an outlet denying it sets it
 * aside, or it is the current status. As GET /v1/reports/lawsuits (summarizeCase) says.
 */
const LAWSUITS = `SELECT t.subject AS case_subject, ${NAME('t.subject', 'c')} AS case_name, t.title, t.plaintiffs, t.defendants, t.court,
      t.occurred_at AS filed_occurred_at, t.valid_from AS filed_valid_from, coalesce(s.status, 'filed') AS current_status,
      s.occurred_at AS status_occurred_at, t.modality, ${STATUS} AS fact_status, t.recorded_from AS recorded_at, t.fact_id,
      t.inferred, t.title_i18n, t.court_i18n, t.claims_i18n,
      CASE WHEN r.status IS DISTINCT FROM coalesce(s.status, 'filed') THEN r.status END AS rumored_status
      FROM read_model.lawsuit_events t
      LEFT JOIN LATERAL (SELECT st.status, st.occurred_at, st.valid_to, st.fact_position FROM read_model.lawsuit_events st
        WHERE ${STEPS('st')} AND ${SETS_STATUS('st')}
        ORDER BY ${STEP_PLACE_DESC('st')} LIMIT 1) s ON true
      LEFT JOIN LATERAL (SELECT ru.status FROM read_model.lawsuit_events ru
        WHERE ${STEPS('ru')} AND ru.modality = 'rumored' AND NOT ${CONFIRMED('ru')} AND NOT ${DENIED_WORD('ru')}
          AND (s.fact_position IS NULL OR ${STEP_PLACE('ru')} > ${STEP_PLACE('s')})
          AND NOT EXISTS (SELECT 1 FROM read_model.lawsuit_events d WHERE ${STEPS('d')} AND d.modality = 'denied' AND d.status = ru.status)
        ORDER BY ${STEP_PLACE_DESC('ru')} LIMIT 1) r ON true
      WHERE t.kind = 'filed' AND t.recorded_to IS NULL`;

const COMMENT =
  'One row per standing case; current_status is its latest standing step in valid time (the end of its date, undated first, ' +
  'dated alike as recorded) as GET /v1/reports/lawsuits says, not the latest recorded; denied steps never count, and rumoured ' +
  'ones only once a story attached to them confirms them (an outlet whose latest word confirms, none denying). rumored_status: ' +
  'the latest rumoured step after it that does not count, null when none, set aside by a denial, or the current status.';

/**
 * A rumoured step (a blog says the case was appealed) became the case's current status in `reporting.lawsuits`, with
 * the filing's modality `reported` in its row, so a BI user could not tell (t19). As the API now says, a rumour counts
 * once a story attached to it confirms it; the view says so, and what is rumoured in `rumored_status`. create_views()
 * runs the previous bodies, then replaces the view with one more column. A view cannot lose a column in place, so it is
 * dropped first: the older bodies (1764900100000's drops it too) recreate it with the columns they know.
 */
export class LawsuitRumours1764902500000 implements MigrationInterface {
  name = 'LawsuitRumours1764902500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER FUNCTION reporting.create_views() RENAME TO create_views_before_lawsuit_rumours`);
    await q.query(`CREATE FUNCTION reporting.create_views() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  DROP VIEW IF EXISTS reporting.lawsuits;
  PERFORM reporting.create_views_before_lawsuit_rumours();
  CREATE OR REPLACE VIEW reporting.lawsuits AS ${LAWSUITS};
  COMMENT ON VIEW reporting.lawsuits IS ${quote(COMMENT)};
END $fn$`);
    await q.query(`SELECT reporting.create_views()`);
  }

  async down(q: QueryRunner): Promise<void> {
    // The view loses its last column: dropped, then made again by the previous bodies as they were.
    await q.query(`DROP VIEW IF EXISTS reporting.lawsuits`);
    await q.query(`DROP FUNCTION reporting.create_views()`);
    await q.query(`ALTER FUNCTION reporting.create_views_before_lawsuit_rumours() RENAME TO create_views`);
    await q.query(`SELECT reporting.create_views()`);
  }
}
