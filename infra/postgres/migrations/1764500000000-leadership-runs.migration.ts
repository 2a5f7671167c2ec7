import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Leadership pairing reads each (organization, person, role key) group's standing rows in valid-time order: the
 * projection when it recomputes the groups a batch touched (leadership_runs), a rebuild computing them all, and
 * the report's window pass for a modality filter. This index holds those rows in exactly that order, with every
 * column the pass reads, so it is an index-only scan with no sort (subject and role compared bytewise, as the
 * window partitions them). Sources and data stay in the heap: the report reads them for the served page only.
 */
export class LeadershipRuns1764500000000 implements MigrationInterface {
  name = 'LeadershipRuns1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX leadership_events_runs ON read_model.leadership_events
      (organization, subject COLLATE "C", role_key COLLATE "C", valid_from NULLS FIRST, fact_position)
      INCLUDE (kind, modality, interim, role, role_category, reason, destination, fact_id, version, valid_to, occurred_at, recorded_from)
      WHERE recorded_to IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX read_model.leadership_events_runs');
  }
}
