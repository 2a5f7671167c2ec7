import { EntityManager } from 'typeorm';

const NAME = /^[a-z_][a-z0-9_]*$/;
const SUFFIX = '_next';

const checked = (name: string) => {
  if (!NAME.test(name)) throw new Error(`refusing odd table name ${JSON.stringify(name)}`);
  return name;
};

/** Index definitions without their name and table, so an index of a shadow table matches the live one. */
const shape = (def: string) => def.replace(/^CREATE (UNIQUE )?INDEX \S+ ON \S+ /, 'CREATE $1INDEX ON ');

/** Fresh shadow copies (`<table>_next`) of live tables: same columns, defaults, constraints and indexes. */
export async function createShadowTables(manager: EntityManager, tables: readonly string[]): Promise<void> {
  for (const t of tables.map(checked)) {
    await manager.query(`DROP TABLE IF EXISTS read_model.${t}${SUFFIX}`);
    await manager.query(`CREATE TABLE read_model.${t}${SUFFIX} (LIKE read_model.${t} INCLUDING ALL)`);
  }
}

export async function dropShadowTables(manager: EntityManager, tables: readonly string[]): Promise<void> {
  for (const t of tables.map(checked)) await manager.query(`DROP TABLE IF EXISTS read_model.${t}${SUFFIX}`);
}

async function indexesOf(manager: EntityManager, table: string): Promise<Array<{ name: string; def: string }>> {
  const rows = await manager.query(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'read_model' AND tablename = $1`, [table]);
  return rows.map((r: any) => ({ name: r.indexname, def: shape(r.indexdef) }));
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
