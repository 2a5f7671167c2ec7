import { MigrationInterface, QueryRunner } from 'typeorm';

/** The columns only a version's lead row keeps: the payload (data, sources, inferred) and the headlines. */
const LEAD_ONLY = ['data', 'sources', 'inferred', 'headline_en', 'headline_fr'];
const TABLES = ['timeline_facts', 'source_facts'];

const STATUS = `CASE WHEN t.version > 1 THEN 'corrected' ELSE 'current' END`;
/** A row's version's lead row (alias `l`): the one that keeps the payload. */
const LEAD = (table: string) =>
  `JOIN read_model.${table} l ON l.fact_id = t.fact_id AND l.version = t.version AND l.data IS NOT NULL`;

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The two views over mention and source-link rows, with the same columns as before, the payload read from the lead row. */
const VIEWS = [
  {
    name: 'entity_mentions',
    comment: 'Which standing facts mention which subject, and in what role.',
    sql: `SELECT t.mention AS subject, t.mention_role, t.fact_id, t.event_type, t.subject AS fact_subject, t.occurred_at,
      t.valid_from, t.modality, ${STATUS} AS fact_status, t.recorded_from AS recorded_at, l.inferred
      FROM read_model.timeline_facts t ${LEAD('timeline_facts')} WHERE t.recorded_to IS NULL`,
  },
  {
    name: 'source_facts',
    comment: 'Which standing facts each story backs, with the quote it gives.',
    sql: `SELECT t.source_id, t.fact_id, t.event_type, t.subject, t.occurred_at, t.quote, l.headline_en, l.headline_fr,
      t.modality, ${STATUS} AS fact_status, t.recorded_from AS recorded_at, l.inferred
      FROM read_model.source_facts t ${LEAD('source_facts')} WHERE t.recorded_to IS NULL AND t.source_id <> ''`,
  },
];

/**
 * Projector write amplification (issue 15): an event's payload was copied onto every row of `timeline_facts` (one
 * per subject it mentions) and `source_facts` (one per source). Now a version's lead row alone keeps its data,
 * sources, inferred fields and headlines: in `timeline_facts` the subject's own row (`is_primary`), in
 * `source_facts` one row per version (the first source's, as the projector writes it); the other rows are keys
 * (plus mention role or quote) with NULL there, and readers join the lead row (`data IS NOT NULL`, within the
 * version's primary-key range). Rows already stored are thinned the same way; the space they free is reused by
 * later writes (a rebuild compacts). The reporting views over these rows keep their columns, read from the lead row.
 */
export class FactPayloadOnce1764900400000 implements MigrationInterface {
  name = 'FactPayloadOnce1764900400000';

  async up(q: QueryRunner): Promise<void> {
    for (const t of TABLES) {
      await q.query(`ALTER TABLE read_model.${t} ${LEAD_ONLY.map((c) => `ALTER COLUMN ${c} DROP NOT NULL`).join(', ')}`);
    }
    const cleared = LEAD_ONLY.map((c) => `${c} = NULL`).join(', ');
    await q.query(`UPDATE read_model.timeline_facts SET ${cleared} WHERE NOT is_primary AND data IS NOT NULL`);
    // The lowest part of each version keeps the payload (which one does not matter: readers look for the one that has it).
    await q.query(`UPDATE read_model.source_facts s SET ${cleared}
      FROM (SELECT fact_id, version, min(part) AS lead FROM read_model.source_facts GROUP BY fact_id, version) v
      WHERE s.fact_id = v.fact_id AND s.version = v.version AND s.part <> v.lead AND s.data IS NOT NULL`);
    await q.query(`ALTER FUNCTION reporting.create_views() RENAME TO create_views_before_payload_once`);
    const body = VIEWS.map((v) => `CREATE OR REPLACE VIEW reporting.${v.name} AS ${v.sql};\n  COMMENT ON VIEW reporting.${v.name} IS ${quote(v.comment)};`);
    await q.query(`CREATE FUNCTION reporting.create_views() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM reporting.create_views_before_payload_once();
  ${body.join('\n  ')}
END $fn$`);
    await q.query(`SELECT reporting.create_views()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION reporting.create_views()`);
    await q.query(`ALTER FUNCTION reporting.create_views_before_payload_once() RENAME TO create_views`);
    // The previous bodies replace the two views in place (same columns).
    await q.query(`SELECT reporting.create_views()`);
    for (const t of TABLES) {
      await q.query(`UPDATE read_model.${t} s SET ${LEAD_ONLY.map((c) => `${c} = l.${c}`).join(', ')}
        FROM read_model.${t} l WHERE s.data IS NULL AND l.fact_id = s.fact_id AND l.version = s.version AND l.data IS NOT NULL`);
      await q.query(`ALTER TABLE read_model.${t} ${LEAD_ONLY.map((c) => `ALTER COLUMN ${c} SET NOT NULL`).join(', ')}`);
    }
  }
}
