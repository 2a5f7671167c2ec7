import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which stored keys fold differently now, as SQL on the column `c`: a key not in canonical composition (an accent
 * typed as a combining mark) or with a typographic apostrophe. Where the database's encoding is not UTF-8 (where
 * `IS NFC NORMALIZED` cannot be asked), any key with a character outside ASCII.
 */
const foldsAgain = (c: string, utf8: boolean) => (utf8 ? `(NOT (${c} IS NFC NORMALIZED) OR ${c} ~ '[‘’]')` : `${c} ~ '[^\\x01-\\x7e]'`);

/**
 * Free text compared as a claim (`comparableText`: a role, a destination, a headcount function, a restructuring's
 * `from` and `to`) now folds canonical composition and typographic apostrophes as well as case and spacing: "chargé"
 * typed with a combining accent is the role typed with the precomposed letter (t31, the sixty-second session: a
 * departure conflict missed, a tenure split in two). The keys stored with the facts need folding again: the roster's
 * `role_key` (`leadership_events`, `leadership_runs`) and the conflicts' `claim_key`. A database holding such a key
 * gets those read models folded again in the background by the projector (a `projection_backfills` intent); the down
 * queues the same folds, so the older code puts its keys back.
 */
export class ComposedTextKeys1764902820000 implements MigrationInterface {
  name = 'ComposedTextKeys1764902820000';

  async up(q: QueryRunner): Promise<void> {
    await this.queueFolds(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await this.queueFolds(q);
  }

  private async queueFolds(q: QueryRunner): Promise<void> {
    const [{ utf8 }] = (await q.query(`SELECT pg_encoding_to_char(encoding) = 'UTF8' AS utf8 FROM pg_database WHERE datname = current_database()`)) as Array<{
      utf8: boolean;
    }>;
    const reason = 'free text compared as a claim folds canonical composition and typographic apostrophes';
    for (const [projection, table, column] of [
      ['leadership', 'leadership_events', 'role_key'],
      ['conflicts', 'conflict_claims', 'claim_key'],
    ] as const) {
      await q.query(
        `INSERT INTO read_model.projection_backfills (projection, reason)
         SELECT $1::text, $2::text
          WHERE EXISTS (SELECT 1 FROM read_model.${table} WHERE ${foldsAgain(column, utf8)})
            AND EXISTS (SELECT 1 FROM read_model.projection_checkpoints WHERE projection = $1::text)
         ON CONFLICT (projection) DO NOTHING`,
        [projection, reason],
      );
    }
  }
}
