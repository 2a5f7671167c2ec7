import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The `reporting` schema: stable, documented SQL views over the read models for BI tools. They live in a
 * function so a projection rebuild (which swaps tables in by renaming) can drop and recreate them in the
 * swap's transaction. A view's columns only ever grow; changing one means a new view name.
 * Current views show facts as they stand now (retracted facts gone, corrected ones at their latest value);
 * the *_versions views keep every version with its recorded interval, for "as known at" questions.
 */
const STATUS = `CASE WHEN t.version > 1 THEN 'corrected' ELSE 'current' END`;
const NAME = (col: string, alias: string) =>
  `coalesce((SELECT display_name FROM read_model.entities ${alias} WHERE ${alias}.subject = ${col}), ${col})`;
const OUTLETS = `(SELECT string_agg(x->>'outlet', '; ') FROM jsonb_array_elements(t.sources) x)`;

export const VIEWS: Array<{ name: string; comment: string; sql: string }> = [
  {
    name: 'leadership_events',
    comment: 'Appointments and departures as they stand now, one row per fact.',
    sql: `SELECT t.fact_id, t.subject AS person, ${NAME('t.subject', 'p')} AS person_name, t.organization,
      ${NAME('t.organization', 'o')} AS organization_name, t.kind, t.role, t.role_category, t.interim, t.reason, t.destination,
      t.occurred_at, t.valid_from, t.valid_to, t.modality, ${STATUS} AS fact_status, t.recorded_from AS recorded_at
      FROM read_model.leadership_events t WHERE t.recorded_to IS NULL`,
  },
  {
    name: 'departures',
    comment: 'Departures as they stand now; quarter is the calendar quarter of the start of the occurred interval.',
    sql: `SELECT t.fact_id, t.subject AS person, ${NAME('t.subject', 'p')} AS person_name, t.organization,
      ${NAME('t.organization', 'o')} AS organization_name, t.role, t.role_category, t.reason, t.destination, t.occurred_at,
      t.valid_from, t.valid_to, to_char(t.valid_from AT TIME ZONE 'UTC', 'YYYY-"Q"Q') AS quarter, t.modality,
      ${STATUS} AS fact_status, t.recorded_from AS recorded_at, ${OUTLETS} AS source_outlets
      FROM read_model.departures t WHERE t.recorded_to IS NULL`,
  },
  {
    name: 'lawsuits',
    comment: 'One row per standing case, with its latest standing status (denied steps never count).',
    sql: `SELECT t.subject AS case_subject, ${NAME('t.subject', 'c')} AS case_name, t.title, t.plaintiffs, t.defendants, t.court,
      t.occurred_at AS filed_occurred_at, t.valid_from AS filed_valid_from, coalesce(s.status, 'filed') AS current_status,
      s.occurred_at AS status_occurred_at, t.modality, ${STATUS} AS fact_status, t.recorded_from AS recorded_at, t.fact_id
      FROM read_model.lawsuit_events t
      LEFT JOIN LATERAL (SELECT st.status, st.occurred_at FROM read_model.lawsuit_events st
        WHERE st.subject = t.subject AND st.kind = 'status' AND st.recorded_to IS NULL AND st.modality <> 'denied'
        ORDER BY st.fact_position DESC LIMIT 1) s ON true
      WHERE t.kind = 'filed' AND t.recorded_to IS NULL`,
  },
  {
    name: 'lawsuit_steps',
    comment: 'Status changes of cases as they stand now, in recording order per case.',
    sql: `SELECT t.subject AS case_subject, t.fact_id, t.status, t.detail, t.occurred_at, t.valid_from, t.valid_to, t.modality,
      ${STATUS} AS fact_status, t.recorded_from AS recorded_at, t.fact_position AS step_order
      FROM read_model.lawsuit_events t WHERE t.kind = 'status' AND t.recorded_to IS NULL`,
  },
  {
    name: 'financial_points',
    comment: 'Revenue, targets, losses, headcount, funding and valuation points as they stand now.',
    sql: `SELECT t.fact_id, t.organization, ${NAME('t.organization', 'o')} AS organization_name, t.metric, t.basis, t.amount,
      t.currency, t.count, t.period, t.period_start, t.period_end, t.occurred_at, t.modality, ${STATUS} AS fact_status,
      t.recorded_from AS recorded_at, ${OUTLETS} AS source_outlets
      FROM read_model.financial_points t WHERE t.recorded_to IS NULL AND t.basis <> 'none'`,
  },
  {
    name: 'financial_point_versions',
    comment: 'Every recorded version of every financial point: filter recorded_from <= K < coalesce(recorded_to, infinity) for "as known at K".',
    sql: `SELECT t.fact_id, t.version, t.organization, t.metric, t.basis, t.amount, t.currency, t.count, t.period, t.period_start,
      t.period_end, t.occurred_at, t.modality, t.recorded_from, t.recorded_to, t.superseded_by, t.change_reason, t.end_reason
      FROM read_model.financial_points t WHERE t.basis <> 'none'`,
  },
  {
    name: 'products',
    comment: 'Products announced or launched, as they stand now.',
    sql: `SELECT t.fact_id, t.subject AS product, t.organization, ${NAME('t.organization', 'o')} AS organization_name, t.name,
      t.features, t.status, t.occurred_at, t.valid_from, t.modality, ${STATUS} AS fact_status, t.recorded_from AS recorded_at
      FROM read_model.products t WHERE t.recorded_to IS NULL`,
  },
  {
    name: 'regulatory_interventions',
    comment: 'Requests that an authority act against an organization, as they stand now.',
    sql: `SELECT t.fact_id, t.target, ${NAME('t.target', 'o')} AS target_name, t.requested_by, t.authority, t.request,
      t.occurred_at, t.valid_from, t.modality, ${STATUS} AS fact_status, t.recorded_from AS recorded_at
      FROM read_model.regulatory_interventions t WHERE t.recorded_to IS NULL`,
  },
  {
    name: 'timeline',
    comment: 'Every standing story fact, one row per fact, with English and French headlines.',
    sql: `SELECT t.fact_id, t.event_type, t.subject, ${NAME('t.subject', 's')} AS subject_name, t.occurred_at, t.valid_from,
      t.valid_to, t.headline_en, t.headline_fr, t.modality, ${STATUS} AS fact_status, t.recorded_from AS recorded_at
      FROM read_model.timeline_facts t WHERE t.is_primary AND t.recorded_to IS NULL`,
  },
  {
    name: 'fact_versions',
    comment: 'Every version of every story fact (bitemporal): valid time [valid_from, valid_to), recorded time [recorded_from, recorded_to).',
    sql: `SELECT t.fact_id, t.version, t.event_type, t.subject, t.occurred_at, t.valid_from, t.valid_to, t.recorded_from,
      t.recorded_to, t.superseded_by, t.change_reason, t.end_reason, t.headline_en, t.headline_fr, t.modality, t.data
      FROM read_model.timeline_facts t WHERE t.is_primary`,
  },
  {
    name: 'entity_mentions',
    comment: 'Which standing facts mention which subject, and in what role.',
    sql: `SELECT t.mention AS subject, t.mention_role, t.fact_id, t.event_type, t.subject AS fact_subject, t.occurred_at,
      t.valid_from, t.modality, ${STATUS} AS fact_status, t.recorded_from AS recorded_at
      FROM read_model.timeline_facts t WHERE t.recorded_to IS NULL`,
  },
  {
    name: 'entities',
    comment: 'Every subject seen, with its display name and first and last sighting.',
    sql: `SELECT subject, kind, display_name, first_recorded_at, last_recorded_at FROM read_model.entities`,
  },
  {
    name: 'sources',
    comment: 'Every story (source) seen; id is a stable hash of outlet, url and title.',
    sql: `SELECT id, outlet, url, title, language, published_at, first_recorded_at FROM read_model.sources`,
  },
  {
    name: 'source_facts',
    comment: 'Which standing facts each story backs, with the quote it gives.',
    sql: `SELECT t.source_id, t.fact_id, t.event_type, t.subject, t.occurred_at, t.quote, t.headline_en, t.headline_fr,
      t.modality, ${STATUS} AS fact_status, t.recorded_from AS recorded_at
      FROM read_model.source_facts t WHERE t.recorded_to IS NULL AND t.source_id <> ''`,
  },
];

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

export class ReportingViews1764300100000 implements MigrationInterface {
  name = 'ReportingViews1764300100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS reporting`);
    const body = VIEWS.map((v) => `CREATE OR REPLACE VIEW reporting.${v.name} AS ${v.sql};\n  COMMENT ON VIEW reporting.${v.name} IS ${quote(v.comment)};`).join('\n  ');
    await q.query(`CREATE FUNCTION reporting.create_views() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  ${body}
END $fn$`);
    await q.query(`CREATE FUNCTION reporting.drop_views() RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE v record;
BEGIN
  FOR v IN SELECT viewname FROM pg_views WHERE schemaname = 'reporting' LOOP
    EXECUTE format('DROP VIEW reporting.%I', v.viewname);
  END LOOP;
END $fn$`);
    await q.query(`SELECT reporting.create_views()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`SELECT reporting.drop_views()`);
    await q.query(`DROP FUNCTION reporting.drop_views()`);
    await q.query(`DROP FUNCTION reporting.create_views()`);
    await q.query(`DROP SCHEMA reporting`);
  }
}
