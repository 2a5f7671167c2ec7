/** A conflict opened or closed by the event of a feed item: what a subscriber updates on the items it shows. */
interface ConflictUpdate {
  conflictId: string;
  change: 'opened' | 'closed';
  /** How it closed: an editor's resolution, a correction that made the sides agree, a retraction. */
  closedBy: 'editor' | 'correction' | 'retraction' | null;
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
 * SQL columns over `f` (read_model.feed_items): both read the current conflicts, as `status` reads the current
 * status. The projector writes the conflicts and the feed item of an event in one transaction, so by the time the
 * watermark passes a position its conflict changes are there: the item of the event that opened or closed a
 * conflict carries the change, and every subscriber gets it once, at that position, resumable like any frame.
 */
export const CONFLICT_COLUMNS = `
  ARRAY(SELECT c.conflict_id::text FROM read_model.conflicts c
        WHERE c.status = 'open' AND (c.a_event_id = coalesce(f.target_event_id, f.event_id) OR c.b_event_id = coalesce(f.target_event_id, f.event_id))
        ORDER BY c.opened_position, c.conflict_id) AS conflicts_with,
  (SELECT jsonb_agg(jsonb_build_object('conflictId', c.conflict_id, 'change', CASE WHEN c.closed_position = f.position THEN 'closed' ELSE 'opened' END,
            'closedBy', CASE WHEN c.closed_position = f.position THEN c.closed_by END, 'eventIds', jsonb_build_array(c.a_event_id, c.b_event_id))
          ORDER BY c.conflict_id)
   FROM read_model.conflicts c WHERE c.opened_position = f.position OR c.closed_position = f.position) AS conflict_updates`;

export function conflictFieldsOf(r: ConflictDbFields): FeedConflictFields {
  return { conflictsWith: r.conflicts_with ?? [], conflictUpdates: r.conflict_updates ?? [] };
}
