import { EntityManager } from 'typeorm';

export const FEED_CHANNEL = 'newsroom_feed';

/**
 * Advances the feed watermark: the highest position P such that every event recorded with a position <= P is in
 * the feed (or was given up on and sent to the DLQ). Positions become visible in commit order in the event
 * store, so events it does not show yet can only get higher positions. Scans at most `window` events per call.
 * Returns the new watermark and notifies query instances when it moved.
 */
export async function advanceFeedWatermark(manager: EntityManager, window = 5000): Promise<string> {
  const rows = await manager.query(
    `WITH w AS (SELECT position FROM read_model.feed_watermark WHERE id = 1),
     candidates AS (
       SELECT e.global_position AS p,
              (f.position IS NOT NULL OR x.position IS NOT NULL) AS done
       FROM event_store.events e
       LEFT JOIN read_model.feed_items f ON f.position = e.global_position
       LEFT JOIN read_model.projection_failures x ON x.projection = 'feed' AND x.position = e.global_position
       WHERE e.global_position > (SELECT position FROM w)
       ORDER BY e.global_position
       LIMIT $1
     ),
     next AS (
       SELECT coalesce((SELECT min(p) - 1 FROM candidates WHERE NOT done), (SELECT max(p) FROM candidates)) AS p
     ),
     moved AS (
       UPDATE read_model.feed_watermark SET position = (SELECT p FROM next), updated_at = now()
       WHERE id = 1 AND (SELECT p FROM next) > position
       RETURNING position
     )
     SELECT (SELECT position FROM moved) AS moved, (SELECT position FROM w) AS previous`,
    [window],
  );
  const moved = rows[0].moved;
  if (moved !== null && moved !== undefined) {
    await manager.query(`SELECT pg_notify($1, $2)`, [FEED_CHANNEL, String(moved)]);
    return String(moved);
  }
  return String(rows[0].previous);
}
