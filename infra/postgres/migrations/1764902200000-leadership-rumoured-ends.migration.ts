import { MigrationInterface, QueryRunner } from 'typeorm';

const RUN_COLUMNS = `organization, subject, role_key, fact_id, version, modality, occurred_at, fact_position, kind, role, role_category,
  interim, reason, destination, valid_from, valid_to, recorded_from`;

/** A row's place in its group, as `placeOf` (leadership-runs.util.ts) writes it (since 1764901000000). */
const PLACE = `CASE WHEN kind = 'departed' THEN coalesce(valid_to, '-infinity'::timestamptz) ELSE coalesce(valid_from, '-infinity'::timestamptz) END,
  CASE WHEN kind = 'departed' AND valid_to IS NOT NULL THEN 0 ELSE 1 END, fact_position`;

const STRENGTH = (m: string) => `CASE ${m} WHEN 'rumored' THEN 1 WHEN 'reported' THEN 2 WHEN 'confirmed' THEN 3 ELSE 0 END`;

const APPOINTMENTS = `kind = 'appointed' AND (prev_kind IS DISTINCT FROM 'appointed' OR next_kind IS DISTINCT FROM 'appointed'
    OR interim IS DISTINCT FROM prev_interim OR ${STRENGTH('modality')} > ${STRENGTH('prev_modality')})`;
/** The rule of 1764901300000: a departure not right after one, and the appointments pairing turns on. */
const OLD_RULE = `(kind = 'departed' AND prev_kind IS DISTINCT FROM 'departed' OR ${APPOINTMENTS})`;
/** And every rumoured departure, and every departure right after a rumoured one. */
export const RULE = `(kind = 'departed' AND (prev_kind IS DISTINCT FROM 'departed' OR modality = 'rumored' OR prev_modality = 'rumored')
  OR ${APPOINTMENTS})`;

/** The run rows of every group under `rule`, in one pass over the standing facts in the runs index's order. */
export const runsSql = (rule: string) => `INSERT INTO read_model.leadership_runs (${RUN_COLUMNS})
  SELECT ${RUN_COLUMNS} FROM (
    SELECT t.*, lag(t.kind) OVER w AS prev_kind, lead(t.kind) OVER w AS next_kind,
      lag(t.interim) OVER w AS prev_interim, lag(t.modality) OVER w AS prev_modality
    FROM read_model.leadership_events t
    WHERE t.recorded_to IS NULL AND t.modality <> 'denied'
    WINDOW w AS (PARTITION BY t.organization COLLATE "C", t.subject COLLATE "C", t.role_key COLLATE "C" ORDER BY ${PLACE})
  ) t WHERE ${rule}`;

/**
 * A rumoured departure no longer takes an executive off the roster, and a denied rumour is set aside (the t14
 * tester: one rumour, which the company denied, dropped the COO). The roster now needs, besides the first departure of
 * a run of departures, every rumoured one (a rumour set aside as denied at query time leaves the next one standing)
 * and every one right after a rumour (a reported or confirmed departure ends the tenure in a rumour's place), so
 * `leadership_runs` keeps those too. The rows kept change, so they are computed again from the standing facts, as a
 * rebuild does it; the columns and indexes stay.
 */
export class LeadershipRumouredEnds1764902200000 implements MigrationInterface {
  name = 'LeadershipRumouredEnds1764902200000';

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
