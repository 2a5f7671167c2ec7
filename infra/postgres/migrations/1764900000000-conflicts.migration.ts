import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Contradictions (issue 14.2). `conflicts`: one row per pair of standing facts of one stream claiming different
 * values for the same thing (its claim key), open or resolved (by an editor, a correction or a retraction), with
 * both sides as they stand. `conflict_facts` and `conflict_claims` are the projection's own state: the standing
 * facts that can claim (their data as corrected; a retracted one stays as a tombstone, so a replay of it is
 * recognised and never brings it back) and their claim keys. Lookups during a rebuild's fold use only
 * unique indexes (the others are built after it), hence the primary keys led by the claim key.
 * The reporting schema gains one view, `conflicts`; the views already there keep their columns.
 */
export class Conflicts1764900000000 implements MigrationInterface {
  name = 'Conflicts1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE read_model.conflict_facts (
      fact_id uuid PRIMARY KEY,
      subject text NOT NULL,
      type text NOT NULL,
      occurred_at text,
      data jsonb NOT NULL,
      sources jsonb NOT NULL DEFAULT '[]',
      position bigint NOT NULL,
      recorded_at timestamptz NOT NULL,
      retracted boolean NOT NULL DEFAULT false
    )`);
    await q.query(`CREATE TABLE read_model.conflict_claims (
      claim_key text NOT NULL,
      fact_id uuid NOT NULL,
      PRIMARY KEY (claim_key, fact_id)
    )`);
    await q.query(`CREATE INDEX conflict_claims_i1 ON read_model.conflict_claims (fact_id)`);
    await q.query(`CREATE TABLE read_model.conflicts (
      conflict_id uuid PRIMARY KEY,
      claim_key text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('financial', 'departure', 'lawsuit')),
      subject text NOT NULL,
      fields text[] NOT NULL,
      side_a jsonb NOT NULL,
      side_b jsonb NOT NULL,
      a_event_id uuid NOT NULL,
      b_event_id uuid NOT NULL,
      status text NOT NULL CHECK (status IN ('open', 'resolved')),
      opened_event_id uuid NOT NULL,
      opened_position bigint NOT NULL,
      opened_at timestamptz NOT NULL,
      closed_event_id uuid,
      closed_position bigint,
      closed_at timestamptz,
      closed_by text CHECK (closed_by IN ('editor', 'correction', 'retraction')),
      standing_event_id uuid,
      resolution_reason text,
      UNIQUE (claim_key, conflict_id)
    )`);
    await q.query(`CREATE INDEX conflicts_i1 ON read_model.conflicts (a_event_id)`);
    await q.query(`CREATE INDEX conflicts_i2 ON read_model.conflicts (b_event_id)`);
    await q.query(`CREATE INDEX conflicts_i3 ON read_model.conflicts (opened_position)`);
    await q.query(`CREATE INDEX conflicts_i4 ON read_model.conflicts (closed_position) WHERE closed_position IS NOT NULL`);
    await q.query(`CREATE INDEX conflicts_i5 ON read_model.conflicts (opened_at, conflict_id)`);
    // A name of its own for the wrapped function: other migrations of the same release may wrap it too.
    await q.query(`ALTER FUNCTION reporting.create_views() RENAME TO create_views_before_conflicts`);
    await q.query(`CREATE FUNCTION reporting.create_views() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM reporting.create_views_before_conflicts();
  CREATE OR REPLACE VIEW reporting.conflicts AS
    SELECT c.conflict_id, c.kind, c.subject, c.claim_key, c.fields, c.status, c.closed_by,
      c.a_event_id, c.side_a->'value' AS a_value, c.b_event_id, c.side_b->'value' AS b_value,
      c.opened_at, c.closed_at, c.standing_event_id, c.resolution_reason
    FROM read_model.conflicts c;
  COMMENT ON VIEW reporting.conflicts IS 'Pairs of standing facts claiming different values for the same thing (claim_key): status open or resolved; closed_by editor (standing_event_id, resolution_reason), correction or retraction.';
END $fn$`);
    await q.query(`SELECT reporting.create_views()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW IF EXISTS reporting.conflicts`);
    await q.query(`DROP FUNCTION reporting.create_views()`);
    await q.query(`ALTER FUNCTION reporting.create_views_before_conflicts() RENAME TO create_views`);
    await q.query(`DROP TABLE read_model.conflicts`);
    await q.query(`DROP TABLE read_model.conflict_claims`);
    await q.query(`DROP TABLE read_model.conflict_facts`);
  }
}
