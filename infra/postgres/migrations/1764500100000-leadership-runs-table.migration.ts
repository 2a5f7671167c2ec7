import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The standing leadership rows that pairing turns on, kept by the leadership projection: per (organization,
 * person, role key), the departures, the appointments that open a tenure and the last appointment of each run.
 * The roster as recorded now reads a few rows per tenure from here instead of every repeated appointment. A
 * derived cache of `leadership_events`: the projection recomputes a group whenever one of its facts changes, and a
 * rebuild recreates it with the rest.
 */
export class LeadershipRunsTable1764500100000 implements MigrationInterface {
  name = 'LeadershipRunsTable1764500100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE read_model.leadership_runs (
      organization text NOT NULL,
      subject text NOT NULL,
      role_key text NOT NULL,
      fact_id uuid NOT NULL,
      version integer NOT NULL,
      modality text NOT NULL,
      occurred_at text,
      fact_position bigint NOT NULL,
      kind text NOT NULL,
      role text NOT NULL,
      role_category text NOT NULL,
      interim boolean NOT NULL,
      reason text,
      destination text,
      valid_from timestamptz,
      valid_to timestamptz,
      recorded_from timestamptz NOT NULL
    )`);
    await q.query('CREATE INDEX leadership_runs_i1 ON read_model.leadership_runs (organization, subject, role_key)');
    // Rows standing before this table existed: every group computed once.
    await q.query(`INSERT INTO read_model.leadership_runs
      SELECT organization, subject, role_key, fact_id, version, modality, occurred_at, fact_position, kind, role, role_category,
        interim, reason, destination, valid_from, valid_to, recorded_from
      FROM (
        SELECT t.*, lag(t.kind) OVER w AS prev_kind, lead(t.kind) OVER w AS next_kind
        FROM read_model.leadership_events t WHERE t.recorded_to IS NULL AND t.modality <> 'denied'
        WINDOW w AS (PARTITION BY t.organization, t.subject COLLATE "C", t.role_key COLLATE "C" ORDER BY t.valid_from NULLS FIRST, t.fact_position)
      ) t
      WHERE t.kind = 'departed' OR t.prev_kind IS DISTINCT FROM 'appointed' OR t.next_kind IS DISTINCT FROM 'appointed'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE read_model.leadership_runs');
  }
}
