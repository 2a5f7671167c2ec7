import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { READ_DB } from '../database/read-database.module';
import { FEED_ITEM_COLUMNS, FeedItemDbRow, FeedItemRow, toFeedItemRow } from '@newsroom/projections';
import { FeedFilter, organizationsOf } from './feed-query.reader';
import { CONFLICT_COLUMNS, conflictFieldsOf, type ConflictDbFields, type FeedConflictFields } from './feed-conflicts.mapper';

/**
 * A feed item as the query side reads it: with the type of the event an amendment targets (for filtering) and
 * its position and recording time parsed once, since every subscriber compares and measures them.
 */
export type FeedRow = FeedItemRow & FeedConflictFields & { targetType: string | null; pos: bigint; recordedMs: number };

const COLUMNS =
  FEED_ITEM_COLUMNS.split(',')
    .map((c) => `f.${c.trim()}`)
    .join(', ') + `, ${CONFLICT_COLUMNS}`;

// Amendments (corrections, retractions) are joined to their target once, by its unique event id.
const FROM = `read_model.feed_items f LEFT JOIN read_model.feed_items t ON t.event_id = f.target_event_id`;

function toRow(r: FeedItemDbRow & ConflictDbFields & { target_type?: string | null }): FeedRow {
  const row = toFeedItemRow(r);
  return {
    ...row,
    ...conflictFieldsOf(r),
    targetType: typeof r.target_type === 'string' ? r.target_type : null,
    pos: BigInt(row.position),
    recordedMs: Date.parse(row.recordedAt),
  };
}

/** Reads the feed read model; everything is bounded by the watermark so no reader ever sees a gap. */
@Injectable()
export class FeedRepository {
  constructor(@Inject(READ_DB) private readonly db: DataSource) {}

  async watermark(): Promise<string> {
    const rows = await this.db.query('SELECT position FROM read_model.feed_watermark WHERE id = 1');
    return String(rows[0]?.position ?? 0);
  }

  /**
   * Items after `after`, matching the filter, up to the watermark; also returns the watermark used. The filter
   * means what compileFilter means: a type filter also takes amendments of events of those types.
   */
  async page(filter: FeedFilter, after: string, limit: number): Promise<{ items: FeedRow[]; watermark: string }> {
    // One statement, one snapshot: the watermark returned is the one the page was cut at, even when the page is
    // empty, so a client may resume from it without skipping what committed in between.
    const rows = await this.db.query(
      `WITH w AS (SELECT position FROM read_model.feed_watermark WHERE id = 1)
       SELECT w.position AS watermark, p.* FROM w LEFT JOIN LATERAL (
         SELECT ${COLUMNS}, t.type AS target_type
         FROM ${FROM}
         WHERE f.position > $1 AND f.position <= w.position
           AND ($2::text[] IS NULL OR f.type = ANY($2) OR t.type = ANY($2))
           AND ($3::text[] IS NULL OR f.subjects && $3::text[])
           AND ($4::text[] IS NULL OR f.subjects && $4::text[]) -- organizations are among subjects: one GIN index serves both
         ORDER BY f.position
         LIMIT $5
       ) p ON true
       ORDER BY p.position`,
      [after, filter.types, filter.subjects, organizationsOf(filter), limit],
    );
    const watermark = String(rows[0]?.watermark ?? 0);
    return { items: rows.filter((r: Record<string, unknown>) => r.position !== null).map(toRow), watermark };
  }
}
