import { MigrationInterface, QueryRunner } from 'typeorm';

const STATUS = `CASE WHEN t.version > 1 THEN 'corrected' ELSE 'current' END`;
const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** A step's place in valid time, as 1764901700000 places it (the end of its date, undated first, then its position). */
const STEP_PLACE = (alias: string) => `coalesce(${alias}.valid_to, '-infinity'::timestamptz), ${alias}.fact_position`;

/**
 * Each outlet's latest word among the stories attached to the step `alias` (`POST /v1/events/{id}/sources`), as
 * 1764902500000 reads them for `reporting.lawsuits`: from the step's feed item, an attached story's entry being the one
 * whose id is its event's id alone (a fact's own sources and a correction's are `<event id>:<index>`), entries in the
 * order recorded (`n`). Read for rumoured steps only: on the others the condition on `alias` skips the feed item.
 */
const WORDS = (alias: string) => `SELECT DISTINCT ON (x.e->>'key') x.e->>'stance' AS stance, x.e->>'id' AS id, x.n
      FROM read_model.feed_items f CROSS JOIN LATERAL jsonb_array_elements(f.corroboration) WITH ORDINALITY AS x(e, n)
      WHERE f.event_id = ${alias}.fact_id AND ${alias}.modality = 'rumored' AND strpos(x.e->>'id', ':') = 0
      ORDER BY x.e->>'key', x.n DESC`;

/**
 * `reporting.lawsuit_steps` as 1764901700000 made it (its columns, names, types and order kept), and after them what
 * GET /v1/reports/lawsuits (summarizeCase) judges of each step: `sets_status` (not denied, and a rumour only once the
 * stories attached confirm it: an outlet's latest word confirms, none denies), `rumor_confirmed` (that confirmation, on
 * rumoured steps; null on the others), `confirmed_by` (the attached story that confirms it: of the outlets' latest
 * words, the first recorded) and `set_aside` (a rumour that does not count and that a denied step of its status or an
 * outlet's latest word denying it sets aside, which rumoredStatus never names). All read now, as the view's rows are.
 */
/** The four columns of the judgement, of the step `t` and its attached stories' words `w` (STEP_WORDS_JOIN). */
export const STEP_JUDGEMENT_COLUMNS = `(t.modality <> 'denied' AND (t.modality <> 'rumored' OR w.confirmed)) AS sets_status,
      w.confirmed AS rumor_confirmed,
      CASE WHEN w.confirmed THEN w.first_confirmation::uuid END AS confirmed_by,
      (t.modality = 'rumored' AND NOT w.confirmed AND (w.denied OR EXISTS (SELECT 1 FROM read_model.lawsuit_events d
        WHERE d.subject = t.subject AND d.kind = 'status' AND d.recorded_to IS NULL AND d.modality = 'denied' AND d.status = t.status)))
        AS set_aside`;

/** The words of the stories attached to the step `t`, for its rumoured steps only (null columns on the others). */
export const STEP_WORDS_JOIN = `LEFT JOIN LATERAL (SELECT coalesce(bool_or(x.stance = 'confirms') AND NOT bool_or(x.stance = 'denies'), false) AS confirmed,
          coalesce(bool_or(x.stance = 'denies'), false) AS denied,
          (array_agg(x.id ORDER BY x.n) FILTER (WHERE x.stance = 'confirms'))[1] AS first_confirmation
        FROM (${WORDS('t')}) x) w ON t.modality = 'rumored'`;

const LAWSUIT_STEPS = `SELECT t.subject AS case_subject, t.fact_id, t.status, t.detail, t.occurred_at, t.valid_from, t.valid_to, t.modality,
      ${STATUS} AS fact_status, t.recorded_from AS recorded_at,
      row_number() OVER (PARTITION BY t.subject ORDER BY ${STEP_PLACE('t')}) AS step_order,
      t.inferred, t.detail_i18n,
      ${STEP_JUDGEMENT_COLUMNS}
      FROM read_model.lawsuit_events t
      ${STEP_WORDS_JOIN}
      WHERE t.kind = 'status' AND t.recorded_to IS NULL`;

const COMMENT =
  "Status changes of cases as they stand now; step_order numbers a case's steps 1, 2, ... in valid time (the end of each " +
  "step's date, undated first, dated alike as recorded), denied ones included, as the history of GET /v1/reports/lawsuits lists them. " +
  'sets_status: whether the step counts for the case status (not denied; a rumour only once a story attached confirms it). ' +
  'rumor_confirmed: on a rumoured step, whether the stories attached confirm it (an outlet whose latest word confirms, none ' +
  'denying; null on other steps); confirmed_by: the attached story (event id) that does, the first recorded. set_aside: a ' +
  'rumour that does not count, denied by an attached story or by a denied step of its status (never a rumored_status).';

/**
 * `reporting.lawsuit_steps` listed a rumoured step with `modality: rumored` and nothing more, so a BI user could not
 * tell a rumour a story attached later confirms (the case's status in the API and in reporting.lawsuits) from one
 * still unconfirmed (t25). The judgement is made when the view is read, from the steps' modality and the words of the
 * stories attached (the feed's corroboration), as the API makes it: nothing stored is judged, so no read model is
 * folded again and every history, recorded before the rumour rules or after, reads the same. create_views() runs the
 * previous bodies, then replaces the view with four more columns; a view cannot lose columns in place, so it is dropped
 * first (the older bodies recreate it with the columns they know: 1764900100000's drops it too).
 */
export class LawsuitStepRumours1764902700000 implements MigrationInterface {
  name = 'LawsuitStepRumours1764902700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER FUNCTION reporting.create_views() RENAME TO create_views_before_lawsuit_step_rumours`);
    await q.query(`CREATE FUNCTION reporting.create_views() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  DROP VIEW IF EXISTS reporting.lawsuit_steps;
  PERFORM reporting.create_views_before_lawsuit_step_rumours();
  CREATE OR REPLACE VIEW reporting.lawsuit_steps AS ${LAWSUIT_STEPS};
  COMMENT ON VIEW reporting.lawsuit_steps IS ${quote(COMMENT)};
END $fn$`);
    await q.query(`SELECT reporting.create_views()`);
  }

  async down(q: QueryRunner): Promise<void> {
    // The view loses its last four columns: dropped, then made again by the previous bodies as they were.
    await q.query(`DROP VIEW IF EXISTS reporting.lawsuit_steps`);
    await q.query(`DROP FUNCTION reporting.create_views()`);
    await q.query(`ALTER FUNCTION reporting.create_views_before_lawsuit_step_rumours() RENAME TO create_views`);
    await q.query(`SELECT reporting.create_views()`);
  }
}
