import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Drops `event_store.events.transaction_id` (xid8): nothing read it. Readers never skip a late commit because
 * positions are drawn under the append's transaction-scoped advisory lock, held to commit (append_group), so
 * positions become visible in commit order and "every event after P" is complete without it. Filtering reads by
 * `transaction_id < pg_snapshot_xmin(pg_current_snapshot())`, as a store without that lock must, would instead
 * hold the relay behind the oldest transaction running anywhere on the server (a projector batch, a rebuild page).
 * Metadata only: no rewrite, and the append-only triggers are row triggers on UPDATE and DELETE, not fired here.
 */
export class DropEventTransactionId1764700500000 implements MigrationInterface {
  name = 'DropEventTransactionId1764700500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE event_store.events DROP COLUMN transaction_id`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Rows recorded meanwhile get the migrating transaction's id: their own is not known any more.
    await q.query(`ALTER TABLE event_store.events ADD COLUMN transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id()`);
  }
}
