import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two departures of one person from one role with a re-appointment surely between them are both true, and so are a
 * departure and a denial dated after the re-appointment (the fiftieth session's testers): they are no longer a
 * conflict. The conflicts projection now keeps a person's appointments on their role's departure key
 * (`conflict_facts`/`conflict_claims`), which the facts stored before this migration lack. Where a person has both a
 * departure stored and an appointment in the log, the projector folds the conflicts again in the background (a
 * `projection_backfills` intent, the rebuild `npx newsroom rebuild conflicts` runs): a conflict across a
 * re-appointment closes, and a departure recorded later is compared with the appointments too. Nothing else changes.
 */
export class ConflictsReappointments1764902780000 implements MigrationInterface {
  name = 'ConflictsReappointments1764902780000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `INSERT INTO read_model.projection_backfills (projection, reason)
       SELECT 'conflicts', 'a re-appointment between two departures of one role sets them apart'
       WHERE EXISTS (SELECT 1 FROM read_model.projection_checkpoints WHERE projection = 'conflicts')
         AND EXISTS (SELECT 1 FROM read_model.conflict_facts f
                     WHERE f.type = 'executive.departed' AND NOT f.retracted
                       AND EXISTS (SELECT 1 FROM event_store.events e WHERE e.stream_id = f.subject AND e.type = 'executive.appointed'))
       ON CONFLICT (projection) DO NOTHING`,
    );
  }

  async down(): Promise<void> {
    // Queued work only: nothing to undo (a rebuild under the older code gives the older conflicts).
  }
}
