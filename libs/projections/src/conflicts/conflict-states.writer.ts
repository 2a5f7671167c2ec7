import { EntityManager } from 'typeorm';
import { write } from '../write-pipeline.util';
import type { ConflictState, ConflictStateFields } from './conflict-row.types';

/** The columns a conflict's row and each of its kept states share, as jsonb_to_recordset reads them. */
export const stateColumns = (c: ConflictStateFields) => ({
  status: c.status,
  opened_event_id: c.openedEventId,
  opened_position: c.openedPosition,
  opened_at: c.openedAt,
  closed_event_id: c.closedEventId,
  closed_position: c.closedPosition,
  closed_at: c.closedAt,
  closed_by: c.closedBy,
  standing_event_id: c.standingEventId,
  resolution_reason: c.reason,
});

/**
 * Writes the states a batch's events began into `table` (read_model.conflict_states or its shadow), one statement, each
 * with its sides as they were then (`fields`, `side_a`, `side_b`, as read_model.conflicts has them); a state its own
 * event writes again (a replay, or a second change of one conflict by one event) is replaced.
 */
export async function writeConflictStates(manager: EntityManager, table: string, states: ConflictState[]): Promise<void> {
  if (!states.length) return;
  await write(
    manager,
    `INSERT INTO ${table} (conflict_id, from_position, from_at, status, fields, side_a, side_b, opened_event_id, opened_position, opened_at,
       closed_event_id, closed_position, closed_at, closed_by, standing_event_id, resolution_reason)
     SELECT conflict_id, from_position, from_at, status, fields, side_a, side_b, opened_event_id, opened_position, opened_at,
       closed_event_id, closed_position, closed_at, closed_by, standing_event_id, resolution_reason
     FROM jsonb_to_recordset($1::jsonb) AS x(conflict_id uuid, from_position bigint, from_at timestamptz, status text,
       fields text[], side_a jsonb, side_b jsonb,
       opened_event_id uuid, opened_position bigint, opened_at timestamptz, closed_event_id uuid, closed_position bigint,
       closed_at timestamptz, closed_by text, standing_event_id uuid, resolution_reason text)
     ON CONFLICT (conflict_id, from_position) DO UPDATE SET from_at = EXCLUDED.from_at, status = EXCLUDED.status,
       fields = EXCLUDED.fields, side_a = EXCLUDED.side_a, side_b = EXCLUDED.side_b,
       opened_event_id = EXCLUDED.opened_event_id, opened_position = EXCLUDED.opened_position, opened_at = EXCLUDED.opened_at,
       closed_event_id = EXCLUDED.closed_event_id, closed_position = EXCLUDED.closed_position, closed_at = EXCLUDED.closed_at,
       closed_by = EXCLUDED.closed_by, standing_event_id = EXCLUDED.standing_event_id, resolution_reason = EXCLUDED.resolution_reason`,
    [
      JSON.stringify(
        states.map((c) => ({
          conflict_id: c.conflictId,
          from_position: c.fromPosition,
          from_at: c.fromAt,
          fields: c.fields,
          side_a: c.a,
          side_b: c.b,
          ...stateColumns(c),
        })),
      ),
    ],
  );
}
