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
  readonly tables = ['feed_items'] as const;
  private readonly table: string;

  /** `tableSuffix` points the adapter at a shadow table (`_next`) during a rebuild. */
  constructor(tableSuffix = '') {
    this.table = `read_model.feed_items${tableSuffix}`;
  }

  async apply(manager: EntityManager, event: ProjectedEvent): Promise<void> {
    const targetId = event.data?.targetEventId;
    const target = targetId && event.type.startsWith('event.') ? await this.find(manager, targetId) : null;
    for (const change of evolveFeed(event, target)) {
      if (change.kind === 'insert') await this.insert(manager, change.item);
      else
        await manager.query(
          `UPDATE ${this.table} SET status = CASE WHEN status = 'retracted' THEN status ELSE $2 END
           WHERE event_id = $1`,
          [change.targetEventId, change.status],
        );
    }
  }

  /** Plain facts are inserted together; an amendment flushes them first, since it reads its target. */
  async applyMany(manager: EntityManager, events: ProjectedEvent[]): Promise<void> {
    let pending: FeedItemRow[] = [];
    for (const event of events) {
      if (event.type === 'event.corrected' || event.type === 'event.retracted') {
        await this.insertMany(manager, pending);
        pending = [];
        await this.apply(manager, event);
      } else {
        for (const change of evolveFeed(event, null)) if (change.kind === 'insert') pending.push(change.item);
      }
    }
    await this.insertMany(manager, pending);
  }

  /** Readers are served up to the watermark; it moves once the items below it are committed. */
  async afterCommit(manager: EntityManager): Promise<void> {
    await advanceFeedWatermark(manager);
  }

  private async find(manager: EntityManager, eventId: string): Promise<FeedItemRow | null> {
    const rows = await manager.query(`SELECT ${FEED_ITEM_COLUMNS} FROM ${this.table} WHERE event_id = $1`, [eventId]);
    return rows.length ? toFeedItemRow(rows[0]) : null;
  }

  private async insert(manager: EntityManager, i: FeedItemRow): Promise<void> {
    await this.insertMany(manager, [i]);
  }

  private async insertMany(manager: EntityManager, items: FeedItemRow[]): Promise<void> {
    // 15 parameters a row; Postgres binds at most 65535 per statement.
    for (let at = 0; at < items.length; at += 1000) {
      const params: unknown[] = [];
      const tuples = items.slice(at, at + 1000).map((i) => {
        params.push(
          i.position, i.eventId, i.type, i.subject, i.organizations, i.occurredAt, i.recordedAt, i.headlineEn,
          i.headlineFr, JSON.stringify(i.data), JSON.stringify(i.sources), i.modality, i.status, i.targetEventId,
          i.correlationId,
        );
        return `(${Array.from({ length: 15 }, (_, k) => `$${params.length - 14 + k}`).join(', ')})`;
      });
      await manager.query(
        `INSERT INTO ${this.table} (position, event_id, type, subject, organizations, occurred_at, recorded_at,
           headline_en, headline_fr, data, sources, modality, status, target_event_id, correlation_id)
         VALUES ${tuples.join(', ')}
         ON CONFLICT (position) DO NOTHING`,
        params,
      );
    }
  }
}
