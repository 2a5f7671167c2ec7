import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A rumoured re-appointment that a story attached to it confirms lies between two departures of its role as a
 * reported one does. `conflict_words` keeps, for the conflicts projection, each word of a story attached to a
 * rumoured appointment (its outlet as corroboration counts it, its stance and its position), so a departure recorded
 * later, a story denying it again, or a rebuild decide as of each event. Keyed by the appointment first: a rebuild's
 * fold looks its words up by the unique index alone. A database whose log already holds a story attached to a
 * rumoured appointment gets the conflicts read model rebuilt in the background by the projector (a
 * `projection_backfills` intent), which fills the table and closes the conflicts such a confirmation lies inside.
 */
export class ConflictWords1764902830000 implements MigrationInterface {
  name = 'ConflictWords1764902830000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE read_model.conflict_words (
      fact_id uuid NOT NULL,
      event_id uuid NOT NULL,
      outlet text NOT NULL,
      stance text NOT NULL CHECK (stance IN ('confirms', 'denies')),
      position bigint NOT NULL,
      PRIMARY KEY (fact_id, event_id)
    )`);
    await q.query(
      `INSERT INTO read_model.projection_backfills (projection, reason)
       SELECT 'conflicts', 'a rumoured re-appointment confirmed by an attached story lies between two departures of its role'
       WHERE EXISTS (SELECT 1 FROM read_model.projection_checkpoints WHERE projection = 'conflicts')
         AND EXISTS (SELECT 1 FROM read_model.leadership_events l JOIN read_model.feed_items f ON f.event_id = l.fact_id
                      WHERE l.kind = 'appointed' AND l.modality = 'rumored'
                        AND EXISTS (SELECT 1 FROM jsonb_array_elements(f.corroboration) e WHERE strpos(e->>'id', ':') = 0))
       ON CONFLICT (projection) DO NOTHING`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE read_model.conflict_words`);
    // The older code reads such a confirmation as a rumour: the conflicts it closed are decided again.
    await q.query(
      `INSERT INTO read_model.projection_backfills (projection, reason)
       SELECT 'conflicts', 'conflicts closed by a confirmed rumoured re-appointment are decided again'
       WHERE EXISTS (SELECT 1 FROM read_model.conflicts c JOIN read_model.feed_items f ON f.event_id = c.closed_event_id
                      WHERE c.closed_by = 'appointment' AND f.type = 'event.sourced')
       ON CONFLICT (projection) DO NOTHING`,
    );
  }
}
