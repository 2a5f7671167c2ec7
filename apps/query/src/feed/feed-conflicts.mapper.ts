/** A conflict opened or closed by the event of a feed item: what a subscriber updates on the items it shows. */
interface ConflictUpdate {
  conflictId: string;
  change: 'opened' | 'closed';
  /** How it closed: an editor's resolution, a correction that made the sides agree, a retraction. */
  closedBy: 'editor' | 'correction' | 'retraction' | 'appointment' | null;
  /** The two facts in contradiction (a, then b). */
  eventIds: [string, string];
}

/** What the query side adds to a feed item from read_model.conflicts (the same transaction wrote both). */
export interface FeedConflictFields {
  /** Open conflicts of the item's fact (for an amendment, a source or a resolution: of its target). */
  conflictsWith: string[];
  /** The conflicts this item's event opened or closed. */
  conflictUpdates: ConflictUpdate[];
}

export interface ConflictDbFields {
  conflicts_with?: string[] | null;
  conflict_updates?: ConflictUpdate[] | null;
}

/**
 * SQL columns over `f` (read_model.feed_items): `conflictsWith` reads the current conflicts, as `status` reads the
 * current status; `conflictUpdates` the openings and closings the item's event began (read_model.conflict_states: every
 * opening and closing is kept, so a conflict that reopened shows its first opening and closing on their items too; a
 * state a correction began by moving a side's value, the conflict staying as it was, is no change of its own here). The projector
 * writes the conflicts and the feed item of an event in one transaction, so by the time the watermark passes a
 * position its conflict changes are there: the item of the event that opened or closed a conflict carries the change,
 * and every subscriber gets it once, at that position, resumable like any frame, and the same in the history.
 */
export const CONFLICT_COLUMNS = `
  ARRAY(SELECT c.conflict_id::text FROM read_model.conflicts c
        WHERE c.status = 'open' AND (c.a_event_id = coalesce(f.target_event_id, f.event_id) OR c.b_event_id = coalesce(f.target_event_id, f.event_id))
        ORDER BY c.opened_position, c.conflict_id) AS conflicts_with,
  (SELECT jsonb_agg(jsonb_build_object('conflictId', s.conflict_id, 'change', CASE WHEN s.status = 'resolved' THEN 'closed' ELSE 'opened' END,
            'closedBy', CASE WHEN s.status = 'resolved' THEN s.closed_by END, 'eventIds', jsonb_build_array(c.a_event_id, c.b_event_id))
          ORDER BY s.conflict_id)
   FROM read_model.conflict_states s JOIN read_model.conflicts c ON c.conflict_id = s.conflict_id
   WHERE s.from_position = f.position
     AND s.from_position = CASE WHEN s.status = 'resolved' THEN s.closed_position ELSE s.opened_position END) AS conflict_updates`;

export function conflictFieldsOf(r: ConflictDbFields): FeedConflictFields {
  return { conflictsWith: r.conflicts_with ?? [], conflictUpdates: r.conflict_updates ?? [] };
}
