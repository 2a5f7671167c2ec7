import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source';

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

/** Runs pending migrations, each in its own transaction; returns their names. */
async function migrate(url: string): Promise<string[]> {
  const ds = new DataSource(dataSourceOptions(url, { migrationsTransactionMode: 'each' }));
  await ds.initialize();
  try {
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
