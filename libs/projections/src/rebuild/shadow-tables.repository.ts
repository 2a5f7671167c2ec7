import { EntityManager } from 'typeorm';
import type { FoldKey } from '../projection.types';

const NAME = /^[a-z_][a-z0-9_]*$/;
const SUFFIX = '_next';

const checked = (name: string) => {
  if (!NAME.test(name)) throw new Error(`refusing odd table name ${JSON.stringify(name)}`);
  return name;
};

/** Index definitions without their name and table, so an index of a shadow table matches the live one. */
const shape = (def: string) => def.replace(/^CREATE (UNIQUE )?INDEX \S+ ON \S+ /, 'CREATE $1INDEX ON ');

/**
 * Fresh shadow copies (`<table>_next`) of live tables: same columns, defaults, constraints and unique indexes. The
 * other indexes are left out while the log is folded into them and built at the end (`buildShadowIndexes`): one
 * sort per index instead of an insertion per row, several times cheaper. The fold's keyed inserts and lookups only
 * need the unique ones, and not even those a read model names in `foldKeys`: they are left out too, and a plain
 * index on the key's `lookup` columns stands in for them until the end.
 */
export async function createShadowTables(
  manager: EntityManager,
  tables: readonly string[],
  foldKeys: readonly FoldKey[] = [],
): Promise<void> {
  for (const t of tables.map(checked)) {
    await manager.query(`DROP TABLE IF EXISTS read_model.${t}${SUFFIX}`);
    await manager.query(`CREATE TABLE read_model.${t}${SUFFIX} (LIKE read_model.${t} INCLUDING ALL)`);
    for (const index of await indexesOf(manager, `${t}${SUFFIX}`)) {
      if (!index.unique) await manager.query(`DROP INDEX read_model."${index.name}"`);
    }
    for (const key of foldKeys.filter((k) => k.table === t)) {
      const index = (await indexesOf(manager, `${t}${SUFFIX}`)).find((i) => i.def === keyDef(key));
      if (!index) throw new Error(`read_model.${t} has no unique key (${key.columns.join(', ')}) to fold without`);
      if (index.constraint) await manager.query(`ALTER TABLE read_model.${t}${SUFFIX} DROP CONSTRAINT "${index.constraint}"`);
      else await manager.query(`DROP INDEX read_model."${index.name}"`);
      if (key.lookup)
        await manager.query(`CREATE INDEX ${lookupName(t)} ON read_model.${t}${SUFFIX} (${key.lookup.map(checked).join(', ')})`);
    }
  }
}

/** The definition a fold key's unique index has (as `indexesOf` shapes it). */
const keyDef = (key: FoldKey) => `CREATE UNIQUE INDEX ON USING btree (${key.columns.map(checked).join(', ')})`;
const lookupName = (table: string) => `${table}${SUFFIX}_fold_lookup`;

/** The live tables' other indexes, built on the shadow tables (`concurrency` at once). */
export async function buildShadowIndexes(
  run: <T>(work: (m: EntityManager) => Promise<T>) => Promise<T>,
  tables: readonly string[],
  concurrency = 1,
  foldKeys: readonly FoldKey[] = [],
): Promise<void> {
  // The fold's stand-ins go first (nothing folds from here until the keys are back), then the keys and indexes.
  const builds: string[] = foldKeys
    .filter((k) => k.lookup && tables.includes(k.table))
    .map((k) => `DROP INDEX IF EXISTS read_model.${lookupName(checked(k.table))}`);
  for (const t of tables.map(checked)) {
    const shadow = new Set((await run((m) => indexesOf(m, `${t}${SUFFIX}`))).map((i) => i.def));
    for (const index of await run((m) => indexesOf(m, t))) {
      if (shadow.has(index.def)) continue;
      // A key left out for the fold comes back as the constraint it is (a primary key or unique): the swap gives it
      // the live one's name.
      const type = index.type === 'p' ? 'PRIMARY KEY' : index.type === 'u' ? 'UNIQUE' : null;
      const key = foldKeys.find((k) => k.table === t && keyDef(k) === index.def);
      if (key && type)
        builds.push(`ALTER TABLE read_model.${t}${SUFFIX} ADD CONSTRAINT "${index.name}${SUFFIX}" ${type} (${key.columns.join(', ')})`);
      else builds.push(index.def.replace(/^CREATE (UNIQUE )?INDEX ON /, `CREATE $1INDEX ON read_model.${t}${SUFFIX} `));
    }
  }
  // Then statistics, once the indexes exist (an expression index gets its own): the catch-up, the runs' fold and the
  // projector after the swap plan on them. Without them Postgres guessed half the table for `fact_id = ANY(...)` and
  // scanned it whole: a projector chunk on a freshly rebuilt log of a million events ran at 157 events/s instead of
  // about 2,600, until autovacuum came round (the swap keeps a table's statistics: they follow the relation).
  for (const t of tables.map(checked)) builds.push(`ANALYZE read_model.${t}${SUFFIX}`);
  const next = async (): Promise<void> => {
    const sql = builds.shift();
    if (!sql) return;
    await run(async (m) => {
      await m.query(`SET LOCAL maintenance_work_mem = '256MB'`);
      await m.query(sql);
    });
    await next();
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, next));
}

export async function dropShadowTables(manager: EntityManager, tables: readonly string[]): Promise<void> {
  for (const t of tables.map(checked)) await manager.query(`DROP TABLE IF EXISTS read_model.${t}${SUFFIX}`);
}

interface IndexInfo {
  name: string;
  def: string;
  unique: boolean;
  /** The constraint the index enforces, if any, and its type (`p` primary key, `u` unique). */
  constraint: string | null;
  type: string | null;
}

async function indexesOf(manager: EntityManager, table: string): Promise<IndexInfo[]> {
  const rows: Array<Omit<IndexInfo, 'def'> & { def: string }> = await manager.query(
    `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS def, i.indisunique AS unique, k.conname AS constraint, k.contype AS type
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     LEFT JOIN pg_constraint k ON k.conindid = i.indexrelid AND k.conrelid = i.indrelid
     WHERE i.indrelid = to_regclass($1)`,
    [`read_model.${table}`],
  );
  return rows.map((r) => ({ ...r, def: shape(r.def) }));
}

/**
 * Inside the caller's transaction: the shadow tables take the live tables' names (renames are instant), the
 * old tables are dropped, and the new indexes get the old names back so the schema looks exactly as migrated.
 * The reporting views depend on these tables, so they are dropped first and recreated after.
 */
export async function swapShadowTables(manager: EntityManager, tables: readonly string[]): Promise<void> {
  const [{ has_views }] = await manager.query(`SELECT to_regproc('reporting.create_views') IS NOT NULL AS has_views`);
  if (has_views) await manager.query(`SELECT reporting.drop_views()`);
  for (const t of tables.map(checked)) {
    const liveIndexes = await indexesOf(manager, t);
    await manager.query(`ALTER TABLE read_model.${t} RENAME TO ${t}_old`);
    await manager.query(`ALTER TABLE read_model.${t}${SUFFIX} RENAME TO ${t}`);
    await manager.query(`DROP TABLE read_model.${t}_old`);
    for (const index of await indexesOf(manager, t)) {
      const twin = liveIndexes.find((l) => l.def === index.def);
      if (twin && twin.name !== index.name) await manager.query(`ALTER INDEX read_model."${index.name}" RENAME TO "${twin.name}"`);
    }
  }
  if (has_views) await manager.query(`SELECT reporting.create_views()`);
}

export const SHADOW_SUFFIX = SUFFIX;
