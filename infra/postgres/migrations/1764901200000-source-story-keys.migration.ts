import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stories as a reader tells them apart (black-box testers: `?outlet=T3%20Herald` missed "T3 HERALD", and the same url
 * sent under "T3 Daily" and "t3  daily" was two stories). The registry `read_model.sources` keeps `outlet_key` (the
 * outlet folded as corroboration folds it: outletKey) and `story_key` (storyKeyOf: that key, the url and the title).
 * `GET /v1/sources?outlet=` matches by `outlet_key` and lists the stories of one `story_key` as one, under the first
 * recorded (its id and outlet as written then); `GET /v1/sources/{id}` gives the facts of the whole story. Story ids
 * do not change (a hash of the outlet as written): links to them keep working.
 *
 * Stories registered before this migration have no keys (the query then matches their outlet as written and lists
 * each id alone); a database holding stories gets its sources read model folded again in the background (a
 * `projection_backfills` intent, the blue-green rebuild `npx newsroom rebuild sources` runs), which fills them.
 */
export class SourceStoryKeys1764901200000 implements MigrationInterface {
  name = 'SourceStoryKeys1764901200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE read_model.sources ADD COLUMN outlet_key text, ADD COLUMN story_key text`);
    await q.query(`CREATE INDEX sources_i3 ON read_model.sources (outlet_key, first_recorded_at, id)`);
    await q.query(`CREATE INDEX sources_i4 ON read_model.sources (story_key, first_position, id)`);
    await q.query(
      `INSERT INTO read_model.projection_backfills (projection, reason)
       SELECT 'sources', 'stories now keep the outlet and story keys GET /v1/sources matches and groups by'
       WHERE EXISTS (SELECT 1 FROM read_model.sources)
       ON CONFLICT (projection) DO NOTHING`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX read_model.sources_i4`);
    await q.query(`DROP INDEX read_model.sources_i3`);
    await q.query(`ALTER TABLE read_model.sources DROP COLUMN story_key, DROP COLUMN outlet_key`);
  }
}
