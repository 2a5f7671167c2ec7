import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Feed filters reach a fact through every entity it names (black-box tester: `subjects=authority:ftc` found no
 * intervention the FTC was asked for, `subjects=person:pat` no target Pat set, `organization=org:gamma` no departure
 * to Gamma, `subjects=org:acme` no appointment at Acme). Each feed item keeps `subjects`: its stream subject and every
 * subject its data names in the roles the timeline lists (mentionsOf), its target's for an amendment, attached source
 * or resolution, a case step's parties. `subjects=` matches it (GIN, as `organizations`); `organizations` is now the
 * organizations among them, so `organization=` reaches a departure's destination or a round's investors too.
 *
 * Items already there get their stream subject and organizations at once (what the two filters matched before, so
 * nothing a reader got is lost meanwhile); a database holding items then gets its feed folded again in the background
 * (a `projection_backfills` intent, the blue-green rebuild `npx newsroom rebuild feed` runs), which fills in the rest
 * with the projector's own code.
 */
export class FeedItemSubjects1764901400000 implements MigrationInterface {
  name = 'FeedItemSubjects1764901400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE read_model.feed_items ADD COLUMN subjects text[] NOT NULL DEFAULT '{}'`);
    await q.query(
      `UPDATE read_model.feed_items SET subjects = ARRAY[subject] || array(SELECT o FROM unnest(organizations) AS o WHERE o <> subject)`,
    );
    await q.query(`CREATE INDEX feed_items_subjects_idx ON read_model.feed_items USING gin (subjects)`);
    await q.query(
      `INSERT INTO read_model.projection_backfills (projection, reason)
       SELECT 'feed', 'feed items now keep every subject their fact names, which the subjects and organization filters match'
       WHERE EXISTS (SELECT 1 FROM read_model.feed_items)
         AND EXISTS (SELECT 1 FROM read_model.projection_checkpoints WHERE projection = 'feed')
       ON CONFLICT (projection) DO NOTHING`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX read_model.feed_items_subjects_idx`);
    await q.query(`ALTER TABLE read_model.feed_items DROP COLUMN subjects`);
  }
}
