import { MigrationInterface, QueryRunner } from 'typeorm';

const INCLUDE = 'kind, modality, interim, role, role_category, reason, destination, fact_id, version, valid_from, valid_to, occurred_at, recorded_from';

/**
 * The leadership runs kept per batch, cheaper (issue 15: their refresh was a fifth of the projector's Postgres time).
 *
 * - `leadership_events_runs` compares the organization bytewise too, as it already did the subject and the role key,
 *   and every pass in its order says so (`COLLATE "C"`; equality is the same in every deterministic collation): the
 *   index is then the only one such a pass can use. Planned on a young table without statistics, a neighbour's scan
 *   otherwise went through `leadership_events_i1` (organization, fact_position), read every standing row of the
 *   organization and sorted them: 300 ms a batch of 500 on 16,000 facts, growing with the table.
 * - `leadership_events_runs` is keyed by `coalesce(valid_from, '-infinity')` instead of `valid_from NULLS FIRST`: the
 *   same order (no valid time starts at -infinity), with no NULL in it, so the standing rows nearest a changed row are
 *   one bounded index scan each way instead of three merged (dated, undated, and the switch between them). Every
 *   pass in this order (`runEndsSql`, the refresh, the redo of small batches, the report's pass over the events)
 *   writes the key as that expression (`validKey`), so it still reads the index without sorting.
 * - `leadership_runs_i1` also holds the fact id and version: the refresh deletes the run rows of given fact versions,
 *   and found them through their group, reading every run row of it.
 */
export class LeadershipRunsOrder1764900600000 implements MigrationInterface {
  name = 'LeadershipRunsOrder1764900600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX read_model.leadership_events_runs');
    await q.query(`CREATE INDEX leadership_events_runs ON read_model.leadership_events
      (organization COLLATE "C", subject COLLATE "C", role_key COLLATE "C", (coalesce(valid_from, '-infinity'::timestamptz)), fact_position)
      INCLUDE (${INCLUDE})
      WHERE recorded_to IS NULL`);
    await q.query('DROP INDEX read_model.leadership_runs_i1');
    await q.query('CREATE INDEX leadership_runs_i1 ON read_model.leadership_runs (organization, subject, role_key, fact_id, version)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX read_model.leadership_runs_i1');
    await q.query('CREATE INDEX leadership_runs_i1 ON read_model.leadership_runs (organization, subject, role_key)');
    await q.query('DROP INDEX read_model.leadership_events_runs');
    await q.query(`CREATE INDEX leadership_events_runs ON read_model.leadership_events
      (organization, subject COLLATE "C", role_key COLLATE "C", valid_from NULLS FIRST, fact_position)
      INCLUDE (${INCLUDE.replace('valid_from, ', '')})
      WHERE recorded_to IS NULL`);
  }
}
