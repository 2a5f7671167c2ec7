import { MigrationInterface, QueryRunner } from 'typeorm';

const INCLUDE = 'kind, modality, interim, role, role_category, reason, destination, fact_id, version, valid_from, valid_to, occurred_at, recorded_from';
const RUN_COLUMNS = `organization, subject, role_key, fact_id, version, modality, occurred_at, fact_position, kind, role, role_category,
  interim, reason, destination, valid_from, valid_to, recorded_from`;

/** A row's place in its group, as `placeOf` (leadership-runs.util.ts) wrote it when this migration was made. */
const PLACE = `CASE WHEN kind = 'departed' THEN coalesce(valid_to, '-infinity'::timestamptz) ELSE coalesce(valid_from, '-infinity'::timestamptz) END,
  CASE WHEN kind = 'departed' AND valid_to IS NOT NULL THEN 0 ELSE 1 END, fact_position`;
/** The place before this migration (1764900600000). */
const OLD_PLACE = `coalesce(valid_from, '-infinity'::timestamptz), fact_position`;

/** The run rows of every group, in `place` order, under `rule` (over `kind`, `prev_kind` and `next_kind`). */
const runsSql = (place: string, rule: string) => `INSERT INTO read_model.leadership_runs (${RUN_COLUMNS})
  SELECT ${RUN_COLUMNS} FROM (
    SELECT t.*, lag(t.kind) OVER w AS prev_kind, lead(t.kind) OVER w AS next_kind FROM read_model.leadership_events t
    WHERE t.recorded_to IS NULL AND t.modality <> 'denied'
    WINDOW w AS (PARTITION BY t.organization COLLATE "C", t.subject COLLATE "C", t.role_key COLLATE "C" ORDER BY ${place})
  ) t WHERE ${rule}`;

const RULE = `(kind = 'departed' AND prev_kind IS DISTINCT FROM 'departed'
  OR kind = 'appointed' AND (prev_kind IS DISTINCT FROM 'appointed' OR next_kind IS DISTINCT FROM 'appointed'))`;
const OLD_RULE = `(kind = 'departed' OR prev_kind IS DISTINCT FROM 'appointed' OR next_kind IS DISTINCT FROM 'appointed')`;

/**
 * Leadership pairing reads an imprecise date as the interval it is (issue found by the fiftieth session's testers):
 *
 * - A group's order places an appointment at its valid time's start and a departure at its end, a departure first at
 *   the same instant. Both at their start, a departure dated "2024-05" came before the appointment dated 2024-05-10
 *   it ends, and one dated "2024" before one of 2024-03-15: a tenure of unknown start, and the appointment's open
 *   for ever (the person on every roster after). `leadership_events_runs` is rebuilt in that order, which every pass
 *   over it writes (`placeOf`).
 * - A departure right after a departure (no appointment between: a second outlet's report of the same departure,
 *   perhaps with another date) no longer starts a tenure of its own: the first stands, and the roster stops listing
 *   the person twice. Such a departure is not a run row.
 *
 * Which rows are run rows changes with both, so `leadership_runs` is computed again, in one pass over the standing
 * facts in the new index's order (as a rebuild does it).
 */
export class LeadershipIntervalOrder1764901000000 implements MigrationInterface {
  name = 'LeadershipIntervalOrder1764901000000';

  async up(q: QueryRunner): Promise<void> {
    await this.index(q, PLACE);
    await q.query('DELETE FROM read_model.leadership_runs');
    await q.query(runsSql(PLACE, RULE));
    await q.query('ANALYZE read_model.leadership_runs');
  }

  async down(q: QueryRunner): Promise<void> {
    await this.index(q, OLD_PLACE);
    await q.query('DELETE FROM read_model.leadership_runs');
    await q.query(runsSql(OLD_PLACE, OLD_RULE));
    await q.query('ANALYZE read_model.leadership_runs');
  }

  private async index(q: QueryRunner, place: string): Promise<void> {
    const keys = place
      .split(/,\s*(?=CASE|coalesce|fact_position)/)
      .map((k) => (k.trim() === 'fact_position' ? k.trim() : `(${k.trim()})`))
      .join(', ');
    await q.query('DROP INDEX read_model.leadership_events_runs');
    await q.query(`CREATE INDEX leadership_events_runs ON read_model.leadership_events
      (organization COLLATE "C", subject COLLATE "C", role_key COLLATE "C", ${keys})
      INCLUDE (${INCLUDE})
      WHERE recorded_to IS NULL`);
  }
}
