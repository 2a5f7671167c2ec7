import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SQL: a correction of a conflict's side `col` recorded after the conflict's first kept state (by the index on each
 * side's event id, so no pairing of every conflict with every correction).
 */
const CORRECTED_SIDE = (col: string) => `EXISTS (SELECT 1 FROM event_store.events e
    JOIN read_model.conflicts c ON c.${col} = (e.data->>'targetEventId')::uuid
    WHERE e.type = 'event.corrected'
      AND e.global_position > (SELECT min(s.from_position) FROM read_model.conflict_states s WHERE s.conflict_id = c.conflict_id))`;

/**
 * A conflict's sides at a `knownAt` are the ones then (the fifty-eighth session's known limit): each kept state
 * (read_model.conflict_states) gains the sides as they were when it began (`fields`, `side_a`, `side_b`, as
 * read_model.conflicts has them), and a correction that moves a side's value begins a state of its own (revenue 30 vs
 * 35 billion, then corrected to 33: a knownAt between the two reads 30 vs 35). Before, the report at a knownAt showed
 * the sides as they stand now.
 *
 * Filled here from the conflicts' sides as they stand, which is what each state had then unless a side was corrected
 * after the conflict's first state; where the log shows such a correction, the projector folds the conflicts again
 * in the background (a `projection_backfills` intent, as 1764902730000 queues; `npx newsroom rebuild conflicts` does
 * it at once), the answers saying `Newsroom-Partial: conflicts` until it is done.
 *
 * BI gets `reporting.conflict_states`: one row per kept state, the columns of `reporting.conflicts` as they were in
 * that state, with when it began and ended (recorded time; "as known at K": `from_at <= K AND (to_at IS NULL OR
 * to_at > K)`). `reporting.conflicts` and the other views keep their columns.
 */
export class ConflictStateSides1764902740000 implements MigrationInterface {
  name = 'ConflictStateSides1764902740000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE read_model.conflict_states ADD COLUMN fields text[], ADD COLUMN side_a jsonb, ADD COLUMN side_b jsonb`);
    await q.query(
      `UPDATE read_model.conflict_states s SET fields = c.fields, side_a = c.side_a, side_b = c.side_b
       FROM read_model.conflicts c WHERE c.conflict_id = s.conflict_id`,
    );
    // A state whose conflict is gone (none: a conflict row is never deleted) would have no sides to show.
    await q.query(`DELETE FROM read_model.conflict_states WHERE side_a IS NULL`);
    await q.query(
      `ALTER TABLE read_model.conflict_states ALTER COLUMN fields SET NOT NULL, ALTER COLUMN side_a SET NOT NULL,
         ALTER COLUMN side_b SET NOT NULL`,
    );
    await q.query(
      `INSERT INTO read_model.projection_backfills (projection, reason)
       SELECT 'conflicts', 'a conflict''s kept states keep its sides as they were then'
       WHERE EXISTS (SELECT 1 FROM read_model.projection_checkpoints WHERE projection = 'conflicts')
         AND (${CORRECTED_SIDE('a_event_id')} OR ${CORRECTED_SIDE('b_event_id')})
       ON CONFLICT (projection) DO NOTHING`,
    );
    await q.query(`ALTER FUNCTION reporting.create_views() RENAME TO create_views_before_conflict_states`);
    await q.query(`CREATE FUNCTION reporting.create_views() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM reporting.create_views_before_conflict_states();
  CREATE OR REPLACE VIEW reporting.conflict_states AS
    SELECT s.conflict_id, c.kind, c.subject, c.claim_key, s.fields, s.status, s.closed_by,
      c.a_event_id, s.side_a->'value' AS a_value, c.b_event_id, s.side_b->'value' AS b_value,
      s.opened_at, s.closed_at, s.standing_event_id, s.resolution_reason,
      s.from_position, s.from_at,
      lead(s.from_at) OVER (PARTITION BY s.conflict_id ORDER BY s.from_position) AS to_at,
      CASE WHEN s.status = 'open' AND s.from_position = s.opened_position THEN 'opened'
           WHEN s.status = 'resolved' AND s.from_position = s.closed_position THEN 'closed'
           ELSE 'sides' END AS change,
      s.side_a->>'occurredAt' AS a_occurred_at, s.side_b->>'occurredAt' AS b_occurred_at
    FROM read_model.conflict_states s JOIN read_model.conflicts c ON c.conflict_id = s.conflict_id;
  COMMENT ON VIEW reporting.conflict_states IS 'Every state each conflict went through, with its sides as they were then: from_at (recorded) until to_at (null: in force now); as known at K: from_at <= K AND (to_at IS NULL OR to_at > K). change: opened, closed, or sides (a correction moved a side).';
END $fn$`);
    await q.query(`SELECT reporting.create_views()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW IF EXISTS reporting.conflict_states`);
    await q.query(`DROP FUNCTION reporting.create_views()`);
    await q.query(`ALTER FUNCTION reporting.create_views_before_conflict_states() RENAME TO create_views`);
    // The states a correction of a side began (none before this migration) go: each kept one is an opening or closing.
    await q.query(
      `DELETE FROM read_model.conflict_states
       WHERE from_position <> CASE WHEN status = 'open' THEN opened_position ELSE closed_position END`,
    );
    await q.query(`ALTER TABLE read_model.conflict_states DROP COLUMN fields, DROP COLUMN side_a, DROP COLUMN side_b`);
  }
}
