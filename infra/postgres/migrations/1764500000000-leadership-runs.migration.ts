import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The leadership report pairs appointments and departures per (person, role) in valid-time order. This index
 * holds the standing rows of an organization in exactly that order, with every column the pairing reads, so the
 * report's window pass is an index-only scan with no sort (subject and role compared bytewise, as the window
 * partitions them). Sources and data stay in the heap: they are read for the served page only.
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
