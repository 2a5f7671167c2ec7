import { MigrationInterface, QueryRunner } from 'typeorm';

const TABLES = ['conflicts', 'conflict_states'] as const;

/**
 * A conflict of two departures closes when a re-appointment recorded after them (or corrected to) lies between them,
 * and opens again when it is retracted or corrected out: `closed_by` takes `appointment`. The batch of an appointment
 * reads the conflicts of its role's departure key that are open or closed by an appointment (conflicts_i6, partial:
 * the others are never read that way). A database whose log already holds such an appointment gets the conflicts read
 * model rebuilt in the background by the projector (a `projection_backfills` intent). The constraint is found by what
 * it checks: a rebuild's shadow table (LIKE ... INCLUDING ALL) keeps it under the name its table was created with.
 */
export class ConflictsClosedByAppointment1764902800000 implements MigrationInterface {
  name = 'ConflictsClosedByAppointment1764902800000';

  async up(q: QueryRunner): Promise<void> {
    for (const t of TABLES) {
      await this.dropClosedByCheck(q, t);
      await q.query(
        `ALTER TABLE read_model.${t} ADD CONSTRAINT ${t}_closed_by_check CHECK (closed_by IN ('editor', 'correction', 'retraction', 'appointment'))`,
      );
    }
    await q.query(
      `CREATE INDEX conflicts_i6 ON read_model.conflicts (claim_key) WHERE status = 'open' OR closed_by = 'appointment'`,
    );
    await q.query(
      `INSERT INTO read_model.projection_backfills (projection, reason)
       SELECT 'conflicts', 'a re-appointment recorded after two departures of its role, dated between them, closes their conflict'
       WHERE EXISTS (SELECT 1 FROM read_model.projection_checkpoints WHERE projection = 'conflicts')
         AND EXISTS (SELECT 1 FROM read_model.conflicts c
                      WHERE c.kind = 'departure' AND c.status = 'open'
                        AND EXISTS (SELECT 1 FROM read_model.leadership_events l
                                     WHERE l.subject = c.subject AND l.kind = 'appointed' AND l.position_from > c.opened_position))
       ON CONFLICT (projection) DO NOTHING`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX read_model.conflicts_i6`);
    // What the older code cannot say: a conflict an appointment closed is closed by a correction there (no side
    // stands, no reason), and the conflicts read model is rebuilt by it.
    for (const t of TABLES) {
      await q.query(`UPDATE read_model.${t} SET closed_by = 'correction' WHERE closed_by = 'appointment'`);
      await this.dropClosedByCheck(q, t);
      await q.query(`ALTER TABLE read_model.${t} ADD CONSTRAINT ${t}_closed_by_check CHECK (closed_by IN ('editor', 'correction', 'retraction'))`);
    }
    await q.query(
      `INSERT INTO read_model.projection_backfills (projection, reason)
       SELECT 'conflicts', 'conflicts closed by an appointment are decided again'
       WHERE EXISTS (SELECT 1 FROM read_model.projection_checkpoints WHERE projection = 'conflicts')
       ON CONFLICT (projection) DO NOTHING`,
    );
  }

  private async dropClosedByCheck(q: QueryRunner, table: string): Promise<void> {
    const rows: Array<{ conname: string }> = await q.query(
      `SELECT conname FROM pg_constraint
        WHERE conrelid = $1::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%closed_by%'`,
      [`read_model.${table}`],
    );
    for (const { conname } of rows) await q.query(`ALTER TABLE read_model.${table} DROP CONSTRAINT "${conname.replace(/"/g, '""')}"`);
  }
}
