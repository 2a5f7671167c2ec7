import { Pool } from 'pg';

/** Read-model tables that are bookkeeping, not projection output: never part of the baseline. */
const BOOKKEEPING = /checkpoint|watermark|failure|backfill/;

export interface BulkRun {
  rate: number;
  ms: number;
  tables: number;
  rows: number;
}

/**
 * The projector's ceiling on its own tables: the rows it wrote for `events` events (whatever its read-model
 * tables hold), written again into copies of those tables (LIKE ... INCLUDING ALL: indexes, defaults,
 * constraints) with one INSERT ... SELECT ... ON CONFLICT DO NOTHING per table, `sessions` tables at once.
 * No client round trip, no parsing, no decision: what Postgres needs to store those rows. Events per second.
 */
export async function measureProjectorBulk(pool: Pool, events: number, sessions: number): Promise<BulkRun> {
  const { rows: found } = await pool.query(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'read_model' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname`,
  );
  const tables: Array<{ name: string; columns: string }> = [];
  await pool.query('DROP SCHEMA IF EXISTS bench_bulk CASCADE');
  await pool.query('CREATE SCHEMA bench_bulk');
  for (const { name } of found as Array<{ name: string }>) {
    if (BOOKKEEPING.test(name)) continue;
    const id = `"${name.replace(/"/g, '""')}"`;
    const { rows } = await pool.query(`SELECT EXISTS (SELECT 1 FROM read_model.${id}) AS any`);
    if (!rows[0].any) continue;
    const { rows: cols } = await pool.query(
      `SELECT quote_ident(attname) AS col FROM pg_attribute
       WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum`,
      [`read_model.${id}`],
    );
    await pool.query(`CREATE TABLE bench_bulk.${id} (LIKE read_model.${id} INCLUDING ALL)`);
    tables.push({ name: id, columns: cols.map((c: { col: string }) => c.col).join(', ') });
  }
  let rows = 0;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < tables.length) {
      const t = tables[next++];
      const r = await pool.query(
        `INSERT INTO bench_bulk.${t.name} (${t.columns}) OVERRIDING SYSTEM VALUE
         SELECT ${t.columns} FROM read_model.${t.name} ON CONFLICT DO NOTHING`,
      );
      rows += r.rowCount ?? 0;
    }
  };
  await Promise.all(Array.from({ length: Math.min(sessions, tables.length) }, worker));
  const ms = performance.now() - started;
  await pool.query('DROP SCHEMA bench_bulk CASCADE');
  return { rate: (events * 1000) / ms, ms, tables: tables.length, rows };
}
