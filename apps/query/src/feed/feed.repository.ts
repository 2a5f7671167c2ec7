import { DataSource } from 'typeorm';
import { FEED_ITEM_COLUMNS, FeedItemRow, toFeedItemRow } from '@newsroom/projections';
import { FeedFilter } from './feed-query';

/** Reads the feed read model; everything is bounded by the watermark so no reader ever sees a gap. */
export class FeedRepository {
  constructor(private readonly db: DataSource) {}

  async watermark(): Promise<string> {
    const rows = await this.db.query('SELECT position FROM read_model.feed_watermark WHERE id = 1');
    return String(rows[0]?.position ?? 0);
  }

  /** Items after `after`, matching the filter, up to the watermark; also returns the watermark used. */
  async page(filter: FeedFilter, after: string, limit: number): Promise<{ items: FeedItemRow[]; watermark: string }> {
    const rows = await this.db.query(
      `WITH w AS (SELECT position FROM read_model.feed_watermark WHERE id = 1)
       SELECT ${FEED_ITEM_COLUMNS}, (SELECT position FROM w) AS watermark
       FROM read_model.feed_items
       WHERE position > $1 AND position <= (SELECT position FROM w)
         AND ($2::text[] IS NULL OR type = ANY($2))
         AND ($3::text[] IS NULL OR subject = ANY($3))
         AND ($4::text IS NULL OR organizations @> ARRAY[$4::text])
       ORDER BY position
       LIMIT $5`,
      [after, filter.types, filter.subjects, filter.organization, limit],
    );
    const watermark = rows.length ? String(rows[0].watermark) : await this.watermark();
    return { items: rows.map(toFeedItemRow), watermark };
  }

  /** Every item in (from, to], for the live tail. */
  async range(from: string, to: string, limit: number): Promise<FeedItemRow[]> {
    const rows = await this.db.query(
      `SELECT ${FEED_ITEM_COLUMNS} FROM read_model.feed_items WHERE position > $1 AND position <= $2 ORDER BY position LIMIT $3`,
      [from, to, limit],
    );
    return rows.map(toFeedItemRow);
  }
}
