import { MigrationInterface, QueryRunner } from 'typeorm';

// The outlet an entry counts as: `via` when it is a syndicated copy, case and spacing folded (domain's outletKey).
const KEY = `lower(regexp_replace(btrim(coalesce(nullif(btrim(s->>'via'), ''), s->>'outlet')), '\\s+', ' ', 'g'))`;

/**
 * Corroboration (issue 14.1): each feed item keeps the outlets' words on its fact as a jsonb list of entries
 * (its own sources confirm it; `event.sourced` events add confirming or denying ones, each with its recorded time
 * for knownAt). Reports read the entries of their facts from here. Existing story items get their own sources as
 * entries. The reporting schema gains one view, `fact_corroboration`; the views already there keep their columns.
 */
export class Corroboration1764800100000 implements MigrationInterface {
  name = 'Corroboration1764800100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE read_model.feed_items ADD COLUMN corroboration jsonb NOT NULL DEFAULT '[]'`);
    await q.query(`UPDATE read_model.feed_items f SET corroboration = (
      SELECT coalesce(jsonb_agg(jsonb_build_object(
        'id', f.event_id::text || ':' || (x.n - 1), 'key', ${KEY}, 'outlet', s->>'outlet', 'via', s->'via', 'stance', 'confirms',
        'reportedAt', coalesce(s->>'publishedAt', to_char(f.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
        'recordedAt', to_char(f.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) ORDER BY x.n), '[]'::jsonb)
      FROM jsonb_array_elements(f.sources) WITH ORDINALITY AS x(s, n))
      WHERE f.type NOT LIKE 'event.%'`);
    await q.query(`ALTER FUNCTION reporting.create_views() RENAME TO create_views_v1`);
    await q.query(`CREATE FUNCTION reporting.create_views() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM reporting.create_views_v1();
  CREATE OR REPLACE VIEW reporting.fact_corroboration AS
    SELECT f.event_id AS fact_id, f.type AS event_type, f.subject, count(o.key) AS outlets,
      count(o.key) FILTER (WHERE o.stance = 'confirms') AS confirms, count(o.key) FILTER (WHERE o.stance = 'denies') AS denies,
      min(o.first_recorded_at) AS first_recorded_at, max(o.last_recorded_at) AS latest_recorded_at
    FROM read_model.feed_items f
    LEFT JOIN LATERAL (
      SELECT DISTINCT ON (e->>'key') e->>'key' AS key, e->>'stance' AS stance,
        min((e->>'recordedAt')::timestamptz) OVER (PARTITION BY e->>'key') AS first_recorded_at,
        max((e->>'recordedAt')::timestamptz) OVER (PARTITION BY e->>'key') AS last_recorded_at
      FROM jsonb_array_elements(f.corroboration) WITH ORDINALITY AS x(e, n)
      ORDER BY e->>'key', x.n DESC) o ON true
    WHERE f.type NOT LIKE 'event.%' AND f.status <> 'retracted'
    GROUP BY f.event_id, f.type, f.subject;
  COMMENT ON VIEW reporting.fact_corroboration IS 'Per standing story fact: distinct outlets (a syndicated copy counts as the outlet it reprints), how many confirm and deny (each outlet''s latest word), first and latest recorded.';
END $fn$`);
    await q.query(`SELECT reporting.create_views()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW IF EXISTS reporting.fact_corroboration`);
    await q.query(`DROP FUNCTION reporting.create_views()`);
    await q.query(`ALTER FUNCTION reporting.create_views_v1() RENAME TO create_views`);
    await q.query(`ALTER TABLE read_model.feed_items DROP COLUMN corroboration`);
  }
}
