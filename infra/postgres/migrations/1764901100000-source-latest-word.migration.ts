import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A story attached to a fact more than once (`POST /v1/events/{id}/sources`, denies then confirms) is on the fact with
 * its latest word, as corroboration counts it, not its first: `read_model.source_facts.said_at` keeps the position of
 * the `event.sourced` an attached story's row stands for (null on the fact's own sources), so a later word replaces
 * an earlier one whatever the batch, a correction carrying the row in between, or a redelivery.
 *
 * Rows attached before this migration have no `said_at` (read as their `position_from`); a database holding attached
 * sources gets the sources read model folded again in the background (a `projection_backfills` intent, the blue-green
 * rebuild `npx newsroom rebuild sources` runs), so a story attached twice shows its latest word without anyone running it.
 */
export class SourceLatestWord1764901100000 implements MigrationInterface {
  name = 'SourceLatestWord1764901100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE read_model.source_facts ADD COLUMN said_at bigint`);
    await q.query(
      `INSERT INTO read_model.projection_backfills (projection, reason)
       SELECT 'sources', 'a story attached to a fact twice now shows its latest word'
       WHERE EXISTS (SELECT 1 FROM event_store.events WHERE type = 'event.sourced')
         AND EXISTS (SELECT 1 FROM read_model.projection_checkpoints WHERE projection = 'sources')
       ON CONFLICT (projection) DO NOTHING`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE read_model.source_facts DROP COLUMN said_at`);
  }
}
