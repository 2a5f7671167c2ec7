import { MigrationInterface, QueryRunner } from 'typeorm';

/** The read models that show a name a fact gives, and when a database holds such names (the fifty-first testers). */
const BACKFILLS: Array<[projection: string, condition: string, reason: string]> = [
  [
    'entities',
    `EXISTS (SELECT 1 FROM event_store.events WHERE type IN ('product.announced', 'lawsuit.filed'))`,
    "a product's name is its announced name, a case's its filed title (was: the slug's)",
  ],
  [
    'feed',
    `EXISTS (SELECT 1 FROM event_store.events WHERE type = 'lawsuit.status_changed'
      OR (type IN ('entity.merged', 'entity.unmerged', 'entity.aliased') AND (stream_id LIKE 'product:%' OR stream_id LIKE 'case:%')))`,
    "a case's steps are headlined by its filed title, a product's merges and aliases by its announced name",
  ],
];

/**
 * Names from the facts, not the slug: a product is called what its announcement says (`name`), a case what its
 * filing says (`title`), once recorded; a correction of that field renames it from then on, a retraction of the fact
 * falls back to the slug's name (or to another standing announcement's). `read_model.entity_names` keeps each version
 * of such a name with when it was known and when it ended (as `entity_links` keeps merges), so `knownAt` reads the
 * name standing then; the registry's `display_name` / `display_names` hold the name now.
 *
 * A database holding products or cases gets its registry folded again in the background by the projector (a
 * `projection_backfills` intent: the blue-green rebuild `npx newsroom rebuild entities` runs), and its feed when a
 * stored headline names a case or product by its slug (a case's steps). The down queues the same folds, so the older
 * code, which has `projection_backfills` too, puts the slugs' names back.
 */
export class EntityNames1764902400000 implements MigrationInterface {
  name = 'EntityNames1764902400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE read_model.entity_names (
      subject text NOT NULL,
      fact_id uuid NOT NULL,
      fact_position bigint NOT NULL,
      value jsonb,
      display_name text,
      display_names jsonb,
      named_at timestamptz NOT NULL,
      named_position bigint NOT NULL,
      unnamed_at timestamptz,
      unnamed_position bigint,
      PRIMARY KEY (fact_id, named_position)
    )`);
    await q.query(`CREATE INDEX entity_names_i1 ON read_model.entity_names (subject, fact_position)`);
    await this.queueFolds(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE read_model.entity_names`);
    await this.queueFolds(q);
  }

  private async queueFolds(q: QueryRunner): Promise<void> {
    for (const [projection, condition, reason] of BACKFILLS) {
      await q.query(
        `INSERT INTO read_model.projection_backfills (projection, reason)
         SELECT $1::text, $2::text WHERE (${condition})
           AND EXISTS (SELECT 1 FROM read_model.projection_checkpoints WHERE projection = $1::text)
         ON CONFLICT (projection) DO NOTHING`,
        [projection, reason],
      );
    }
  }
}
