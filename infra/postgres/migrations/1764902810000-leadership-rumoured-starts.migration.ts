import { MigrationInterface, QueryRunner } from 'typeorm';

const RUN_COLUMNS = `organization, subject, role_key, fact_id, version, modality, occurred_at, fact_position, kind, role, role_category,
  interim, reason, destination, valid_from, valid_to, recorded_from`;

/** A row's place in its group, as `placeOf` (leadership-runs.util.ts) writes it (since 1764901000000). */
const PLACE = `CASE WHEN kind = 'departed' THEN coalesce(valid_to, '-infinity'::timestamptz) ELSE coalesce(valid_from, '-infinity'::timestamptz) END,
  CASE WHEN kind = 'departed' AND valid_to IS NOT NULL THEN 0 ELSE 1 END, fact_position`;

const STRENGTH = (m: string) => `CASE ${m} WHEN 'rumored' THEN 1 WHEN 'reported' THEN 2 WHEN 'confirmed' THEN 3 ELSE 0 END`;

const DEPARTURES = `kind = 'departed' AND (prev_kind IS DISTINCT FROM 'departed' OR modality = 'rumored' OR prev_modality = 'rumored')`;
/** The rule of 1764902200000. */
const OLD_RULE = `(${DEPARTURES}
  OR kind = 'appointed' AND (prev_kind IS DISTINCT FROM 'appointed' OR next_kind IS DISTINCT FROM 'appointed'
    OR interim IS DISTINCT FROM prev_interim OR ${STRENGTH('modality')} > ${STRENGTH('prev_modality')}))`;
/** And every rumoured appointment. */
const RULE = `(${DEPARTURES}
  OR kind = 'appointed' AND (prev_kind IS DISTINCT FROM 'appointed' OR next_kind IS DISTINCT FROM 'appointed'
    OR modality = 'rumored' OR interim IS DISTINCT FROM prev_interim OR ${STRENGTH('modality')} > ${STRENGTH('prev_modality')}))`;

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
 * A rumoured appointment that the stories attached to it confirm counts as confirmed on the roster (the
 * sixty-second session, as a rumoured lawsuit step does). Which rumours are confirmed is read at query time, so a
 * rumour between two rumours of a run, which `leadership_runs` left out as changing nothing, may now raise the start's
 * modality: the runs keep every rumoured appointment. The rows kept change, so they are computed again from the
 * standing facts, as a rebuild does it; the columns and indexes stay.
 */
export class LeadershipRumouredStarts1764902810000 implements MigrationInterface {
  name = 'LeadershipRumouredStarts1764902810000';

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
