import { DataSource, MigrationInterface } from 'typeorm';

/**
 * Undoes a migration, runs `whileDown` (what the schema was before it), and applies it again, on one query runner
 * released whatever happens: the down/up round trip every view migration's test makes.
 */
export async function withMigrationUndone(ds: DataSource, migration: MigrationInterface, whileDown: () => Promise<void>): Promise<void> {
  const runner = ds.createQueryRunner();
  try {
    await migration.down(runner);
    await whileDown();
    await migration.up(runner);
  } finally {
    await runner.release();
  }
}

/** Applies a migration again (`up`) on a query runner of its own, released whatever happens. */
export async function applyMigration(ds: DataSource, migration: MigrationInterface): Promise<void> {
  const runner = ds.createQueryRunner();
  try {
    await migration.up(runner);
  } finally {
    await runner.release();
  }
}

/** A `reporting` view's columns, in order, with their types. */
export function reportingColumns(ds: DataSource, view: string): Promise<Array<{ column_name: string; data_type: string }>> {
  return ds.query(
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'reporting' AND table_name = $1
     ORDER BY ordinal_position`,
    [view],
  );
}
