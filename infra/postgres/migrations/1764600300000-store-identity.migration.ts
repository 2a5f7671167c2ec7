import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each event store gets an identity, made once: the relay puts it on every message (`store-id` header) and the
 * projector skips messages from another store, so a database reset against a broker still holding the old
 * store's events never lets those ghosts into a read model. And a failure row may lack an event id: a message
 * the projector could not read at all is placed by its position header alone.
 */
export class StoreIdentity1764600300000 implements MigrationInterface {
  name = 'StoreIdentity1764600300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE event_store.store_identity (
      singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`INSERT INTO event_store.store_identity DEFAULT VALUES`);
    await q.query(`ALTER TABLE read_model.projection_failures ALTER COLUMN event_id DROP NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM read_model.projection_failures WHERE event_id IS NULL`);
    await q.query(`ALTER TABLE read_model.projection_failures ALTER COLUMN event_id SET NOT NULL`);
    await q.query(`DROP TABLE event_store.store_identity`);
  }
}
