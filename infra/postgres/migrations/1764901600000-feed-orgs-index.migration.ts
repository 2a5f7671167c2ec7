import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A feed item's organizations are among its subjects (1764901400000), and the `organization=` filter names organization
 * subjects only, so `subjects && $orgs` finds what `organizations && $orgs` did: the GIN index on subjects serves both
 * filters, and the one on organizations only cost the projector's inserts and a rebuild's index builds (a rebuild with
 * both was 8% slower than before subjects were kept). Items stored before the subjects fold are filled with their
 * organizations by that migration, so the filter finds them meanwhile too.
 */
export class FeedOrgsIndex1764901600000 implements MigrationInterface {
  name = 'FeedOrgsIndex1764901600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS read_model.feed_items_orgs_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS feed_items_orgs_idx ON read_model.feed_items USING gin (organizations)`);
  }
}
