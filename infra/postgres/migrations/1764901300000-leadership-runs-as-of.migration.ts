import { MigrationInterface, QueryRunner } from 'typeorm';

const RUN_COLUMNS = `organization, subject, role_key, fact_id, version, modality, occurred_at, fact_position, kind, role, role_category,
  interim, reason, destination, valid_from, valid_to, recorded_from`;

/** A row's place in its group, as `placeOf` (leadership-runs.util.ts) writes it (since 1764901000000). */
const PLACE = `CASE WHEN kind = 'departed' THEN coalesce(valid_to, '-infinity'::timestamptz) ELSE coalesce(valid_from, '-infinity'::timestamptz) END,
  CASE WHEN kind = 'departed' AND valid_to IS NOT NULL THEN 0 ELSE 1 END, fact_position`;

const STRENGTH = (m: string) => `CASE ${m} WHEN 'rumored' THEN 1 WHEN 'reported' THEN 2 WHEN 'confirmed' THEN 3 ELSE 0 END`;

/** The rule of 1764901000000: a departure not right after one, a run's first and last appointments. */
const OLD_RULE = `(kind = 'departed' AND prev_kind IS DISTINCT FROM 'departed'
  OR kind = 'appointed' AND (prev_kind IS DISTINCT FROM 'appointed' OR next_kind IS DISTINCT FROM 'appointed'))`;
/** And an appointment whose `interim` differs from the one right before it, or whose modality is stronger. */
const RULE = `(kind = 'departed' AND prev_kind IS DISTINCT FROM 'departed'
  OR kind = 'appointed' AND (prev_kind IS DISTINCT FROM 'appointed' OR next_kind IS DISTINCT FROM 'appointed'
    OR interim IS DISTINCT FROM prev_interim OR ${STRENGTH('modality')} > ${STRENGTH('prev_modality')}))`;

/** The run rows of every group under `rule`, in one pass over the standing facts in the runs index's order. */
const runsSql = (rule: string) => `INSERT INTO read_model.leadership_runs (${RUN_COLUMNS})
  SELECT ${RUN_COLUMNS} FROM (
    SELECT t.*, lag(t.kind) OVER w AS prev_kind, lead(t.kind) OVER w AS next_kind,
      lag(t.interim) OVER w AS prev_interim, lag(t.modality) OVER w AS prev_modality
    FROM read_model.leadership_events t
    WHERE t.recorded_to IS NULL AND t.modality <> 'denied'
    WINDOW w AS (PARTITION BY t.organization COLLATE "C", t.subject COLLATE "C", t.role_key COLLATE "C" ORDER BY ${PLACE})
  ) t WHERE ${rule}`;

/**
 * The leadership report as of a date, and a rumour confirmed later (known limits found by the fiftieth and
 * fifty-second sessions' testers). A run of appointments kept only its first and last rows, so the roster's `interim`
 * was the last appointment's even as of a date before it, and a tenure's start showed the first report's modality
 * though a later one confirmed it for the same date. `leadership_runs` now also keeps every appointment whose
 * `interim` differs from the appointment right before it, and every one whose modality is stronger (confirmed over
 * reported over rumored): the rows the roster as of any date reads its interim from, and the strongest report of a
 * start's date. The rows kept change, so they are computed again from the standing facts, as a rebuild does it; the
 * columns and indexes stay.
 */
export class LeadershipRunsAsOf1764901300000 implements MigrationInterface {
  name = 'LeadershipRunsAsOf1764901300000';

  async up(q: QueryRunner): Promise<void> {
    await this.recompute(q, RULE);
  }

  async down(q: QueryRunner): Promise<void> {
    await this.recompute(q, OLD_RULE);
  }

  private async recompute(q: QueryRunner, rule: string): Promise<void> {
    await q.query('DELETE FROM read_model.leadership_runs');
    await q.query(runsSql(rule));
    await q.query('ANALYZE read_model.leadership_runs');
  }
}
