import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read models whose history is still to be folded into them: one added to a running system (the projector finds it
 * at start, a read model without a checkpoint while the others have some) gets the events from its first batch on,
 * and the projector folds the ones before in the background, as a rebuild does. The row is the intent, written
 * before the first batch, so a projector stopped or killed meanwhile takes it up again; the rebuild's swap deletes
 * it in its transaction, whoever ran the rebuild.
 */
export class ProjectionBackfills1764900700000 implements MigrationInterface {
  name = 'ProjectionBackfills1764900700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE read_model.projection_backfills (
      projection text PRIMARY KEY,
      requested_at timestamptz NOT NULL DEFAULT now(),
      reason text NOT NULL
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE read_model.projection_backfills');
  }
}
