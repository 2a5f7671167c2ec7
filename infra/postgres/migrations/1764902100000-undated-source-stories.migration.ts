import { MigrationInterface, QueryRunner } from 'typeorm';

const COMMENT =
  'Every story (source) seen; id is a stable hash of outlet, url and title, and of published_at for a story with neither url nor title.';
const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * A source with neither url nor title is a story per outlet and `publishedAt` (sourceIdOf, storyKeyOf): every such
 * article of one outlet used to be one story, so Le Monde of 6 May, 1 July and 16 September was one id dated by the
 * first recorded, backing all their facts, while the timeline showed each fact's own date under that id. Stories with
 * a url or a title keep their ids; one with no date either keeps its id too.
 *
 * The registry and the facts' links of such stories are folded again from the log in the background (a
 * `projection_backfills` intent, the blue-green rebuild `npx newsroom rebuild sources` runs) on a database that holds
 * one; `reporting.sources` reads the registry, so it has one row per story once that is done (the swap recreates the
 * views), and its comment says what the id hashes.
 */
export class UndatedSourceStories1764902100000 implements MigrationInterface {
  name = 'UndatedSourceStories1764902100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER FUNCTION reporting.create_views() RENAME TO create_views_before_undated_stories`);
    await q.query(`CREATE FUNCTION reporting.create_views() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM reporting.create_views_before_undated_stories();
  COMMENT ON VIEW reporting.sources IS ${quote(COMMENT)};
END $fn$`);
    await q.query(`SELECT reporting.create_views()`);
    await q.query(
      `INSERT INTO read_model.projection_backfills (projection, reason)
       SELECT 'sources', 'a source with neither url nor title is now a story per outlet and publishedAt'
       WHERE EXISTS (SELECT 1 FROM read_model.sources WHERE url IS NULL AND title IS NULL)
       ON CONFLICT (projection) DO NOTHING`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION reporting.create_views()`);
    await q.query(`ALTER FUNCTION reporting.create_views_before_undated_stories() RENAME TO create_views`);
    await q.query(`SELECT reporting.create_views()`);
  }
}
