import { MigrationInterface, QueryRunner } from 'typeorm';

/** A Greek letter in a name as written (Greek and Coptic, Greek Extended), frozen here as this migration's own copy. */
const GREEK = '[\u0370-\u03ff\u1f00-\u1fff]';

/**
 * A Greek name and its capitals are one outlet: `readerKey` now folds the case of a word of another script before it
 * draws its letters as Latin ones, and drops the Greek tonos its capitals are written without ("Καθημερινή" and
 * "ΚΑΘΗΜΕΡΙΝΗ"; the capital Nu was drawn as N, the small one as v). The counts the reports and the feed show are folded
 * at query time and need nothing; the keys stored with them need folding again, as in OutletLookAlikes1764902770000:
 * the feed's corroboration entries (`?minOutlets=` counts their `key`s) and the sources registry (`outlet_key`,
 * `story_key`). Only names written with a Greek letter fold differently; a database holding one gets those read models
 * folded again in the background by the projector (a `projection_backfills` intent). The down queues the same folds,
 * so the older code puts its keys back.
 */
export class GreekNamesCase1764902790000 implements MigrationInterface {
  name = 'GreekNamesCase1764902790000';

  async up(q: QueryRunner): Promise<void> {
    await this.queueFolds(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await this.queueFolds(q);
  }

  private async queueFolds(q: QueryRunner): Promise<void> {
    const reason = 'a Greek outlet name and its capitals count as one outlet (the case of a word of another script is folded first)';
    await q.query(
      `INSERT INTO read_model.projection_backfills (projection, reason)
       SELECT 'feed', $1::text
        WHERE EXISTS (SELECT 1 FROM read_model.feed_items f CROSS JOIN LATERAL jsonb_array_elements(f.corroboration) e
                       WHERE coalesce(e->>'outlet', '') ~ $2 OR coalesce(e->>'via', '') ~ $2)
          AND EXISTS (SELECT 1 FROM read_model.projection_checkpoints WHERE projection = 'feed')
       ON CONFLICT (projection) DO NOTHING`,
      [reason, GREEK],
    );
    await q.query(
      `INSERT INTO read_model.projection_backfills (projection, reason)
       SELECT 'sources', $1::text
        WHERE EXISTS (SELECT 1 FROM read_model.sources WHERE outlet ~ $2)
          AND EXISTS (SELECT 1 FROM read_model.projection_checkpoints WHERE projection = 'sources')
       ON CONFLICT (projection) DO NOTHING`,
      [reason, GREEK],
    );
  }
}
