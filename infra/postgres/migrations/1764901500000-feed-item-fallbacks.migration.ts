import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Feed items that name another fact (a correction's, a retraction's, an attached source's, a resolution's) keep that
 * fact's fallbacks per language: their headline shows its text, and `fallbacks` listed their own data's (none). Items
 * stored before have none (null: served as before) until the feed is folded again, which this queues in the background
 * when the feed has items.
 */
export class FeedItemFallbacks1764901500000 implements MigrationInterface {
  name = 'FeedItemFallbacks1764901500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE read_model.feed_items ADD COLUMN fallbacks jsonb`);
    await q.query(
      `INSERT INTO read_model.projection_backfills (projection, reason)
       SELECT 'feed', 'feed items naming another fact now keep its fallbacks, which their headlines show'
       WHERE EXISTS (SELECT 1 FROM read_model.feed_items WHERE target_event_id IS NOT NULL)
         AND EXISTS (SELECT 1 FROM read_model.projection_checkpoints WHERE projection = 'feed')
       ON CONFLICT (projection) DO NOTHING`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE read_model.feed_items DROP COLUMN fallbacks`);
  }
}
