import { MigrationInterface, QueryRunner } from 'typeorm';

/** A conflict's state columns, as `read_model.conflicts` has them. */
const STATE = `opened_event_id, opened_position, opened_at, closed_event_id, closed_position, closed_at, closed_by,
  standing_event_id, resolution_reason`;

/**
 * A conflict that reopens keeps its history (the fiftieth session's testers): `read_model.conflicts` holds one row a
 * pair, its last opening and closing, so at a `knownAt` before a reopening the report showed neither the first open
 * period nor the first resolution, and the feed's `conflictUpdates` (read from that row) lost them too.
 *
 * `conflict_states` keeps every state a conflict went through, one row per event that opened or closed it (its
 * position, `from_position`): open, or resolved with the closing then in force (an editor's later resolution is a
 * state of its own). The report at `knownAt` reads the latest state recorded by then; a feed item the states its event
 * began. Filled here from the conflicts as they stand (their last opening, and their closing when resolved); where the
 * log shows a conflict went through more (an opening by a correction, which may be a reopening, or an editor's
 * resolution replaced by another), the projector folds the conflicts again in the background (a
 * `projection_backfills` intent, the rebuild `npx newsroom rebuild conflicts` runs), and the answers say
 * `Newsroom-Partial: conflicts` until it is done.
 */
export class ConflictStates1764902730000 implements MigrationInterface {
  name = 'ConflictStates1764902730000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE read_model.conflict_states (
      conflict_id uuid NOT NULL,
      from_position bigint NOT NULL,
      from_at timestamptz NOT NULL,
      status text NOT NULL CHECK (status IN ('open', 'resolved')),
      opened_event_id uuid NOT NULL,
      opened_position bigint NOT NULL,
      opened_at timestamptz NOT NULL,
      closed_event_id uuid,
      closed_position bigint,
      closed_at timestamptz,
      closed_by text CHECK (closed_by IN ('editor', 'correction', 'retraction')),
      standing_event_id uuid,
      resolution_reason text,
      PRIMARY KEY (conflict_id, from_position)
    )`);
    // The feed reads the states an item's event began.
    await q.query(`CREATE INDEX conflict_states_i1 ON read_model.conflict_states (from_position)`);
    // The report at knownAt walks the states in the order of their openings and stops at a page.
    await q.query(`CREATE INDEX conflict_states_i2 ON read_model.conflict_states (opened_position)`);
    await q.query(
      `INSERT INTO read_model.conflict_states (conflict_id, from_position, from_at, status, ${STATE})
       SELECT conflict_id, opened_position, opened_at, 'open', opened_event_id, opened_position, opened_at,
         null, null, null, null, null, null
       FROM read_model.conflicts`,
    );
    await q.query(
      `INSERT INTO read_model.conflict_states (conflict_id, from_position, from_at, status, ${STATE})
       SELECT conflict_id, closed_position, closed_at, 'resolved', ${STATE}
       FROM read_model.conflicts WHERE status = 'resolved' AND closed_position IS NOT NULL
       ON CONFLICT DO NOTHING`,
    );
    await q.query(
      `INSERT INTO read_model.projection_backfills (projection, reason)
       SELECT 'conflicts', 'a conflict that reopens keeps each open and closed state it went through'
       WHERE EXISTS (SELECT 1 FROM read_model.projection_checkpoints WHERE projection = 'conflicts')
         AND (EXISTS (SELECT 1 FROM read_model.conflicts c JOIN event_store.events e ON e.event_id = c.opened_event_id
                      WHERE e.type = 'event.corrected')
           OR EXISTS (SELECT 1 FROM event_store.events e
                      WHERE e.type = 'conflict.resolved'
                        AND NOT EXISTS (SELECT 1 FROM read_model.conflicts c WHERE c.closed_event_id = e.event_id)))
       ON CONFLICT (projection) DO NOTHING`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE read_model.conflict_states`);
  }
}
