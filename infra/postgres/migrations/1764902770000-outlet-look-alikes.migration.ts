import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The letters `readerKey` now folds, as keys stored before hold them (Cyrillic, Greek and Armenian letters drawn as Latin ones, the dotless i and IPA
 * a and g, in their small forms: keys are folded to small letters first). Frozen here as this migration's own copy.
 */
const LOOK_ALIKE_CLASS =
  '[\u0430\u0432\u0435\u0451\u0455\u0456\u0457\u0458\u043a\u043c\u043d\u043e\u0440\u0441\u0442\u0443\u0445\u04bb\u04cf\u04af\u0501\u051b\u051d' +
  '\u03b1\u03b2\u03b5\u03b6\u03b7\u03b9\u03ba\u03bc\u03bd\u03bf\u03c1\u03c4\u03c5\u03c7\u03f2\u03f3\u0570\u057d\u0585\u0131\u0251\u0261]';

/**
 * Outlets a reader cannot tell apart by a swapped letter of another script ("L\u0435 Monde" with a Cyrillic e is Le
 * Monde) count as one outlet. The counts the reports and the feed show are folded at query time and need nothing; the
 * keys stored with them need folding again: the feed's corroboration entries (`?minOutlets=` counts their `key`s)
 * and the sources registry (`outlet_key`, `story_key`: `GET /v1/sources?outlet=` and one story's citations). A
 * database holding such a key gets those read models folded again in the background by the projector (a
 * `projection_backfills` intent, as "A read model added to a running system" describes). The down queues the same
 * folds, so the older code puts its keys back.
 */
export class OutletLookAlikes1764902770000 implements MigrationInterface {
  name = 'OutletLookAlikes1764902770000';

  async up(q: QueryRunner): Promise<void> {
    await this.queueFolds(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await this.queueFolds(q);
  }

  private async queueFolds(q: QueryRunner): Promise<void> {
    const reason = 'an outlet written with a letter of another script drawn as a Latin one counts as the Latin-lettered outlet';
    await q.query(
      `INSERT INTO read_model.projection_backfills (projection, reason)
       SELECT 'feed', $1::text
        WHERE EXISTS (SELECT 1 FROM read_model.feed_items f CROSS JOIN LATERAL jsonb_array_elements(f.corroboration) e
                       WHERE e->>'key' ~ $2)
          AND EXISTS (SELECT 1 FROM read_model.projection_checkpoints WHERE projection = 'feed')
       ON CONFLICT (projection) DO NOTHING`,
      [reason, LOOK_ALIKE_CLASS],
    );
    await q.query(
      `INSERT INTO read_model.projection_backfills (projection, reason)
       SELECT 'sources', $1::text
        WHERE EXISTS (SELECT 1 FROM read_model.sources WHERE outlet_key ~ $2)
          AND EXISTS (SELECT 1 FROM read_model.projection_checkpoints WHERE projection = 'sources')
       ON CONFLICT (projection) DO NOTHING`,
      [reason, LOOK_ALIKE_CLASS],
    );
  }
}
