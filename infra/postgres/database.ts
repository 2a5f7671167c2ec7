import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions, MIGRATIONS } from './data-source';

/** The database name in a URL, checked: identifiers cannot be bound as parameters, so only plain names pass. */
function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(name)) throw new Error(`refusing odd database name ${JSON.stringify(name)}`);
  return name;
}

/** Runs `fn` on a connection to the server's `postgres` database (where databases are created and dropped). */
async function withServer<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates the database named in the URL when missing. */
async function ensureDatabase(url: string): Promise<boolean> {
  const name = databaseName(url);
  return withServer(url, async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    try {
      await client.query(`CREATE DATABASE "${name}"`);
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === '42P04') return false; // created concurrently
      throw error;
    }
  });
}

export async function dropDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  await withServer(url, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

/**
 * The migrations applied to this database that this code does not know: a newer version migrated it (a downgrade,
 * or an older instance during a rolling deploy). Empty when the table does not exist yet.
 */
async function unknownMigrations(query: (sql: string) => Promise<Array<{ name: string }>>): Promise<string[]> {
  const known = new Set(MIGRATIONS.map((m) => m.name));
  const [{ exists }] = (await query(`SELECT to_regclass('public.typeorm_migrations') IS NOT NULL AS exists`)) as unknown as Array<{
    exists: boolean;
  }>;
  if (!exists) return [];
  const applied = await query('SELECT name FROM public.typeorm_migrations ORDER BY timestamp');
  return applied.map((r) => r.name).filter((name) => !known.has(name));
}

/** What a service says when it refuses a database a newer version migrated. */
function newerDatabaseMessage(unknown: string[]): string {
  return (
    `this database was migrated by a newer version of the code: it has ${unknown.length} migration(s) this version does not know ` +
    `(${unknown.join(', ')}). Run that version or a newer one; this one would write read-model rows without what those ` +
    `migrations added (a downgrade is not supported: restore a backup taken before the upgrade to go back)`
  );
}

/**
 * Runs pending migrations, each in its own transaction; returns their names. Refuses a database a newer version
 * migrated: an upgrade's operator who went back to the older code was told "none pending" and its projector wrote
 * feed items without the subjects a later migration added, so filtered feeds silently missed them.
 */
async function migrate(url: string): Promise<string[]> {
  const ds = new DataSource(dataSourceOptions(url, { migrationsTransactionMode: 'each' }));
  await ds.initialize();
  try {
    const unknown = await unknownMigrations((sql) => ds.query(sql));
    if (unknown.length) throw new Error(newerDatabaseMessage(unknown));
    const ran = await ds.runMigrations();
    return ran.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}

export async function prepareDatabase(url: string): Promise<{ created: boolean; migrations: string[] }> {
  const created = await ensureDatabase(url);
  const migrations = await migrate(url);
  return { created, migrations };
}
