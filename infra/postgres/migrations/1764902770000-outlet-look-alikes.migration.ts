import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What `readerKey` now folds that keys stored before may hold, frozen here as this migration's own copy: the small
 * forms of the letters of other scripts drawn as Latin ones (keys were folded to small letters), the default-ignorable
 * characters that are not format characters (those were dropped already: U+034F, the Hangul fillers, variation
 * selectors, Mongolian free variation selectors, U+17B4-U+17B5, U+FFA0, U+FFF0-U+FFF8) and the Braille blank.
 */
const FOLDED_NOW =
  '[' +
  '\u0131\u017f\u0251\u0261\u0263\u0269\u026a\u026f\u028b\u028f\u03b1\u03b2\u03b3\u03b5\u03b6\u03b7\u03b9\u03ba' +
  '\u03bc\u03bd\u03bf\u03c1\u03c3\u03c4\u03c5\u03c7\u03d2\u03dd\u03f1\u03f2\u03f3\u03fb\u0430\u0432\u0433\u0435' +
  '\u043a\u043c\u043d\u043e\u0440\u0441\u0442\u0443\u0445\u044c\u0451\u0455\u0456\u0457\u0458\u0461\u0475\u04af' +
  '\u04bb\u04bd\u04cf\u0501\u050d\u051b\u051d\u0561\u0563\u0566\u0570\u0578\u057c\u057d\u057f\u0581\u0584\u0585' +
  '\u1d04\u1d0f\u1d11\u1d1c\u1d20\u1d21\u1d22' +
  '\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2065\u3164\ufe00-\ufe0f\uffa0\ufff0-\ufff8\u2800]';

/**
 * Outlets a reader cannot tell apart count as one outlet: a letter of another script drawn as a Latin one ("L\u0435
 * Monde" with a Cyrillic e is Le Monde) or a character drawn as nothing ("Le Mo\u034fnde"). The counts the reports and
 * the feed show are folded at query time and need nothing; the keys stored with them need folding again: the feed's
 * corroboration entries (`?minOutlets=` counts their `key`s) and the sources registry (`outlet_key`, `story_key`:
 * `GET /v1/sources?outlet=` and one story's citations). A database holding such a key gets those read models folded
 * again in the background by the projector (a `projection_backfills` intent, as "A read model added to a running
 * system" describes). The down queues the same folds, so the older code puts its keys back.
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
    const reason = 'an outlet written with a letter of another script drawn as a Latin one, or a character drawn as nothing, counts as the outlet a reader sees';
    await q.query(
      `INSERT INTO read_model.projection_backfills (projection, reason)
       SELECT 'feed', $1::text
        WHERE EXISTS (SELECT 1 FROM read_model.feed_items f CROSS JOIN LATERAL jsonb_array_elements(f.corroboration) e
                       WHERE e->>'key' ~ $2)
          AND EXISTS (SELECT 1 FROM read_model.projection_checkpoints WHERE projection = 'feed')
       ON CONFLICT (projection) DO NOTHING`,
      [reason, FOLDED_NOW],
    );
    await q.query(
      `INSERT INTO read_model.projection_backfills (projection, reason)
       SELECT 'sources', $1::text
        WHERE EXISTS (SELECT 1 FROM read_model.sources WHERE outlet_key ~ $2)
          AND EXISTS (SELECT 1 FROM read_model.projection_checkpoints WHERE projection = 'sources')
       ON CONFLICT (projection) DO NOTHING`,
      [reason, FOLDED_NOW],
    );
  }
}
