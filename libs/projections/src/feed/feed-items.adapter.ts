import { EntityManager } from 'typeorm';
import { Projection } from '../projection';
import { ProjectedEvent } from '../projected-event';
import { evolveFeed } from './feed.projection';
import { FeedItemRow } from './feed-item';
import { FEED_ITEM_COLUMNS, toFeedItemRow } from './feed-item.mapper';
import { advanceFeedWatermark } from './feed-watermark';

/** Persists the feed: inserts are keyed by position (replays do nothing), status changes are plain updates. */
export class FeedItemsProjection implements Projection {
  readonly name = 'feed';

  async apply(manager: EntityManager, event: ProjectedEvent): Promise<void> {
    const targetId = event.data?.targetEventId;
    const target = targetId && event.type.startsWith('event.') ? await this.find(manager, targetId) : null;
    for (const change of evolveFeed(event, target)) {
      if (change.kind === 'insert') await this.insert(manager, change.item);
      else
        await manager.query(
          `UPDATE read_model.feed_items SET status = CASE WHEN status = 'retracted' THEN status ELSE $2 END
           WHERE event_id = $1`,
          [change.targetEventId, change.status],
        );
    }
  }

  /** Readers are served up to the watermark; it moves once the items below it are committed. */
  async afterCommit(manager: EntityManager): Promise<void> {
    await advanceFeedWatermark(manager);
  }

  private async find(manager: EntityManager, eventId: string): Promise<FeedItemRow | null> {
    const rows = await manager.query(`SELECT ${FEED_ITEM_COLUMNS} FROM read_model.feed_items WHERE event_id = $1`, [eventId]);
    return rows.length ? toFeedItemRow(rows[0]) : null;
  }

  private async insert(manager: EntityManager, i: FeedItemRow): Promise<void> {
    await manager.query(
      `INSERT INTO read_model.feed_items (position, event_id, type, subject, organizations, occurred_at, recorded_at,
         headline_en, headline_fr, data, sources, modality, status, target_event_id, correlation_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
       ON CONFLICT (position) DO NOTHING`,
      [
        i.position, i.eventId, i.type, i.subject, i.organizations, i.occurredAt, i.recordedAt, i.headlineEn,
        i.headlineFr, JSON.stringify(i.data), JSON.stringify(i.sources), i.modality, i.status, i.targetEventId,
        i.correlationId,
      ],
    );
  }
}
