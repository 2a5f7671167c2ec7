import { EntityManager } from 'typeorm';
import { EVENT_LOG_SQL } from '@newsroom/event-store';
import { PlanGenerations, queryPrepared } from '../prepared-query.util';

export const FEED_CHANNEL = 'newsroom_feed';

/**
 * Advances the feed watermark: the highest position P such that every event recorded with a position <= P is in
 * the feed (or was given up on and sent to the DLQ). Positions become visible in commit order in the event
 * store, so events it does not show yet can only get higher positions. Looks at most `window` events per call.
 * Returns the new watermark and notifies query instances when it moved.
 *
 * It walks the events above the watermark in order and stops at the first one not processed yet, so a call costs
 * what the watermark moves (a single probe while a partition lags behind), not the whole window; only when the
 * whole window is processed does it read the window's last position.
 *
 * Its commit does not wait for the WAL flush (synchronous_commit off for this statement's own transaction): the
 * watermark is derived from rows committed (and flushed) before it, so a crash can only lose a move, which the
 * next call makes again; it never points past a lost row, as WAL is flushed in order. One fsync less per batch
 * on the path of every live frame.
 */
export async function advanceFeedWatermark(manager: EntityManager, window = 5000, plans?: PlanGenerations): Promise<string> {
  if (!Number.isSafeInteger(window) || window < 1) throw new Error(`feed watermark: window ${window} is not a positive integer`);
  // A prepared statement on a connection of its own (planned once per connection and plan generation: planning it
  // cost twice what running it does), with its constants in its text: with them as bind parameters, Postgres kept
  // choosing a custom plan, made again at every call.
  const text = watermarkSql(window);
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const rows = (await queryPrepared(runner.manager, plans ? plans.text(text) : text, [])) as Array<{
      moved: string | null;
      previous: string;
    }>;
    return String(rows[0].moved ?? rows[0].previous);
  } finally {
    if (runner !== manager.queryRunner) await runner.release();
  }
}

/**
 * Moves the watermark up to `position` (never down) in the caller's transaction and notifies query instances when it
 * moved: for a caller that knows every event up to `position` is in the feed, as a rebuild's swap does.
 */
export async function moveFeedWatermarkTo(manager: EntityManager, position: string): Promise<void> {
  await manager.query(
    `WITH moved AS (
       UPDATE read_model.feed_watermark SET position = $1, updated_at = now() WHERE id = 1 AND position < $1 RETURNING position
     )
     SELECT pg_notify($2, position::text) FROM moved`,
    [position, FEED_CHANNEL],
  );
}

/**
 * The log's positions above the watermark come from the event store's statement pieces: the walk must stay one
 * statement with the feed tables (see EVENT_LOG_SQL), so it is the one read of the log not made by a reader call.
 */
function watermarkSql(window: number): string {
  const positions = EVENT_LOG_SQL.positionsAfter('SELECT position FROM w', String(window));
  return `WITH w AS (SELECT position FROM read_model.feed_watermark WHERE id = 1),
     gap AS (
       SELECT e.p FROM (${positions}) e
       -- A scalar subquery, not NOT EXISTS: the planner must probe per event, in order, rather than anti-join the feed.
       WHERE NOT (SELECT EXISTS (SELECT 1 FROM read_model.feed_items f WHERE f.position = e.p)
                      OR EXISTS (SELECT 1 FROM read_model.projection_failures x WHERE x.projection = 'feed' AND x.position = e.p))
       LIMIT 1
     ),
     next AS (
       SELECT coalesce(
         (SELECT p - 1 FROM gap),
         (SELECT max(p) FROM (${positions}) s)
       ) AS p
     ),
     moved AS (
       UPDATE read_model.feed_watermark SET position = (SELECT p FROM next), updated_at = now()
       WHERE id = 1 AND (SELECT p FROM next) > position
       RETURNING position
     ),
     notified AS (SELECT pg_notify('${FEED_CHANNEL}', position::text) FROM moved)
     SELECT (SELECT position FROM moved) AS moved, (SELECT position FROM w) AS previous, (SELECT count(*) FROM notified) AS notified,
       set_config('synchronous_commit', 'off', true) AS async`;
}

/**
 * One advance at a time per projector: partitions finishing batches together share a run instead of scanning
 * the same window side by side (and queueing on the watermark row); a call during a run asks for one more.
 */
export class FeedWatermark {
  private running: Promise<void> | null = null;
  private again = false;

  /** `plans`: the generations of the feed's rows this instance writes (the walk probes them). */
  constructor(private readonly plans?: PlanGenerations) {}

  advance(manager: EntityManager, window?: number): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = async () => {
      try {
        do {
          this.again = false;
          await advanceFeedWatermark(manager, window, this.plans);
        } while (this.again);
      } finally {
        this.running = null;
      }
    };
    this.running = run();
    return this.running;
  }
}
