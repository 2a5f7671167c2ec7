import { MigrationInterface, QueryRunner } from 'typeorm';

/** A group's order, as `validKey` and the `leadership_runs` rows' places give it. */
const GROUP_ORDER = `PARTITION BY organization COLLATE "C", subject COLLATE "C", role_key COLLATE "C"
  ORDER BY coalesce(valid_from, '-infinity'::timestamptz), fact_position`;

/**
 * A departure right after a departure of the same person, organization and role (no appointment between: a second
 * outlet's report of the same departure, perhaps with another date) no longer starts a tenure of its own: the first
 * stands, and the roster stops listing the person twice (`tenuresOf`, `runEndsSql`). Such a departure is no longer a
 * row pairing turns on, so it leaves `leadership_runs`.
 *
 * Every standing departure was a run row, and so was every appointment right after one: two departures that are
 * neighbours among the run rows are neighbours among the standing rows too. So the rows to remove are the run rows
 * that are departures right after a departure in the runs' own order: one pass over the runs, not the facts.
 */
export class LeadershipRepeatedDepartures1764901000000 implements MigrationInterface {
  name = 'LeadershipRepeatedDepartures1764901000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM read_model.leadership_runs r WHERE r.ctid IN (
      SELECT ctid FROM (SELECT ctid, kind, lag(kind) OVER (${GROUP_ORDER}) AS prev_kind FROM read_model.leadership_runs) x
      WHERE x.kind = 'departed' AND x.prev_kind = 'departed')`);
  }

  /** Every standing departure is a run row again: the ones `up` removed come back from the facts. */
  async down(q: QueryRunner): Promise<void> {
    const columns = `organization, subject, role_key, fact_id, version, modality, occurred_at, fact_position, kind, role, role_category,
      interim, reason, destination, valid_from, valid_to, recorded_from`;
    await q.query(`INSERT INTO read_model.leadership_runs (${columns})
      SELECT ${columns} FROM read_model.leadership_events e
      WHERE e.kind = 'departed' AND e.recorded_to IS NULL AND e.modality <> 'denied'
        AND NOT EXISTS (SELECT 1 FROM read_model.leadership_runs r WHERE r.organization = e.organization AND r.subject = e.subject
          AND r.role_key = e.role_key AND r.fact_id = e.fact_id AND r.version = e.version)`);
  }
}
