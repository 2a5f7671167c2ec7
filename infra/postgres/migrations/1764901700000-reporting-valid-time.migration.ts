import { MigrationInterface, QueryRunner } from 'typeorm';

const STATUS = `CASE WHEN t.version > 1 THEN 'corrected' ELSE 'current' END`;
const NAME = (col: string, alias: string) =>
  `coalesce((SELECT display_name FROM read_model.entities ${alias} WHERE ${alias}.subject = ${col}), ${col})`;
const OUTLETS = `(SELECT string_agg(x->>'outlet', '; ') FROM jsonb_array_elements(t.sources) x)`;
const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * A step's place in valid time, as GET /v1/reports/lawsuits places it (LawsuitsRepository's status query and
 * summarizeCase's stepPlace): the end of its date's period, when it had surely happened (undated first), then the
 * position it was recorded at, so two steps dated alike keep their recording order.
 */
const STEP_PLACE = (alias: string) => `coalesce(${alias}.valid_to, '-infinity'::timestamptz), ${alias}.fact_position`;
const STEP_PLACE_DESC = (alias: string) => `coalesce(${alias}.valid_to, '-infinity'::timestamptz) DESC, ${alias}.fact_position DESC`;

/**
 * The calendar quarter holding a departure's whole occurred interval, as groupDepartures buckets it for
 * /v1/reports/departures?groupBy=quarter (bucketOf in UTC, of valid_from and of the interval's last millisecond):
 * null when the two fall in different quarters ("2024", "2024-12-01/2025-01-15") or the departure is undated, which
 * the API lists as `unplaced`, never guessed into a bucket.
 */
const QUARTER_OF = (from: string) => `to_char(${from} AT TIME ZONE 'UTC', 'YYYY-"Q"Q')`;
const QUARTER = `CASE WHEN ${QUARTER_OF('t.valid_from')} = ${QUARTER_OF(`(t.valid_to - interval '1 millisecond')`)} THEN ${QUARTER_OF('t.valid_from')} END`;

/** The three views with their columns as they were (each after inferred and its *_i18n), two of them computed anew. */
const VIEWS = [
  {
    name: 'departures',
    comment:
      'Departures as they stand now; quarter is the calendar quarter (UTC) holding the whole occurred interval, null when it spans ' +
      'more than one or is unknown (GET /v1/reports/departures?groupBy=quarter lists those as unplaced).',
    sql: `SELECT t.fact_id, t.subject AS person, ${NAME('t.subject', 'p')} AS person_name, t.organization,
      ${NAME('t.organization', 'o')} AS organization_name, t.role, t.role_category, t.reason, t.destination, t.occurred_at,
      t.valid_from, t.valid_to, ${QUARTER} AS quarter, t.modality,
      ${STATUS} AS fact_status, t.recorded_from AS recorded_at, ${OUTLETS} AS source_outlets,
      t.inferred, t.role_i18n, t.destination_i18n
      FROM read_model.departures t WHERE t.recorded_to IS NULL`,
  },
  {
    name: 'lawsuits',
    comment:
      'One row per standing case; current_status is its latest standing step in valid time (the end of its date, undated first, ' +
      'dated alike as recorded) as GET /v1/reports/lawsuits says, not the latest recorded; denied steps never count.',
    sql: `SELECT t.subject AS case_subject, ${NAME('t.subject', 'c')} AS case_name, t.title, t.plaintiffs, t.defendants, t.court,
      t.occurred_at AS filed_occurred_at, t.valid_from AS filed_valid_from, coalesce(s.status, 'filed') AS current_status,
      s.occurred_at AS status_occurred_at, t.modality, ${STATUS} AS fact_status, t.recorded_from AS recorded_at, t.fact_id,
      t.inferred, t.title_i18n, t.court_i18n, t.claims_i18n
      FROM read_model.lawsuit_events t
      LEFT JOIN LATERAL (SELECT st.status, st.occurred_at FROM read_model.lawsuit_events st
        WHERE st.subject = t.subject AND st.kind = 'status' AND st.recorded_to IS NULL AND st.modality <> 'denied'
        ORDER BY ${STEP_PLACE_DESC('st')} LIMIT 1) s ON true
      WHERE t.kind = 'filed' AND t.recorded_to IS NULL`,
  },
  {
    name: 'lawsuit_steps',
    comment:
      "Status changes of cases as they stand now; step_order numbers a case's steps 1, 2, ... in valid time (the end of each " +
      "step's date, undated first, dated alike as recorded), denied ones included, as the history of GET /v1/reports/lawsuits lists them.",
    sql: `SELECT t.subject AS case_subject, t.fact_id, t.status, t.detail, t.occurred_at, t.valid_from, t.valid_to, t.modality,
      ${STATUS} AS fact_status, t.recorded_from AS recorded_at,
      row_number() OVER (PARTITION BY t.subject ORDER BY ${STEP_PLACE('t')}) AS step_order,
      t.inferred, t.detail_i18n
      FROM read_model.lawsuit_events t WHERE t.kind = 'status' AND t.recorded_to IS NULL`,
  },
];

/**
 * The BI views in valid time, as the REST reports are: `reporting.lawsuits.current_status`
 * and `reporting.lawsuit_steps.step_order` followed the recording order, so a step reported late (a motion of August
 * recorded after the settlement of November) became the case's status; and `reporting.departures.quarter` put a
 * departure dated "2024" in 2024-Q1, where the API leaves it unplaced. Columns, their names and types stay (step_order
 * is still a bigint, now 1, 2, ... per case); only what they compute changes. create_views() runs the previous
 * bodies, then replaces these three in place.
 */
export class ReportingValidTime1764901700000 implements MigrationInterface {
  name = 'ReportingValidTime1764901700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER FUNCTION reporting.create_views() RENAME TO create_views_before_valid_time`);
    const body = VIEWS.map((v) => `CREATE OR REPLACE VIEW reporting.${v.name} AS ${v.sql};\n  COMMENT ON VIEW reporting.${v.name} IS ${quote(v.comment)};`);
    await q.query(`CREATE FUNCTION reporting.create_views() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM reporting.create_views_before_valid_time();
  ${body.join('\n  ')}
END $fn$`);
    await q.query(`SELECT reporting.create_views()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION reporting.create_views()`);
    await q.query(`ALTER FUNCTION reporting.create_views_before_valid_time() RENAME TO create_views`);
    // The previous bodies replace the three views in place (same columns), with what they computed before.
    await q.query(`SELECT reporting.create_views()`);
  }
}
