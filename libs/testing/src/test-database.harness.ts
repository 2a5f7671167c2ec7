import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Pool } from 'pg';

export const TEST_SERVER_URL = process.env.TEST_DATABASE_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  name: string;
  pool: Pool;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database per test file, so runs never collide and nothing leaks between files. It is a copy of a
 * template database the migrations made once per server and per set of migrations (`CREATE DATABASE ... TEMPLATE`,
 * about 0.15 s, where running the migrations took about 1 s and loaded TypeORM and every migration into the test
 * file). The template is named after a hash of the migrations' source, so a changed or added migration makes a new
 * one; the migrations themselves are tested where they run (`prepareDatabase` in the migration tests, every app's
 * start, `npm start`). The copy gets an event store identity of its own (`store_identity`, the migrations' one random
 * value).
 */
export async function createTestDatabase(label: string, serverUrl: string = TEST_SERVER_URL): Promise<TestDatabase> {
  const name = `newsroom_t_${label.replace(/[^a-z0-9]/gi, '_').slice(0, 30)}_${randomBytes(4).toString('hex')}`.toLowerCase();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await withAdmin(serverUrl, async (admin) => {
    const template = await ensureTemplate(admin, serverUrl);
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  });
  const pool = new Pool({ connectionString: url.toString(), max: 20 });
  pool.on('error', () => undefined);
  // The one value the migrations draw at random: each database is an event store of its own, as a migrated one is
  // (a copy kept the template's identity, and the projector took two test files' stores for one).
  await pool.query('UPDATE event_store.store_identity SET id = gen_random_uuid(), created_at = now()');
  return {
    url: url.toString(),
    name,
    pool,
    drop: async () => {
      await pool.end().catch(() => undefined);
      await withAdmin(serverUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

/** The migrations' source, hashed: the template's name changes with any migration (or the data source's list). */
let migrationsHash: string | undefined;
function templateName(): string {
  if (!migrationsHash) {
    const dir = join(__dirname, '..', '..', '..', 'infra', 'postgres');
    const hash = createHash('sha256');
    for (const file of readdirSync(join(dir, 'migrations')).sort()) hash.update(file).update(readFileSync(join(dir, 'migrations', file)));
    hash.update(readFileSync(join(dir, 'data-source.ts')));
    migrationsHash = hash.digest('hex').slice(0, 16);
  }
  return `newsroom_template_${migrationsHash}`;
}

/** Runs `fn` on a client of its own to `url`, closed after (errors of a dropped connection are `fn`'s to see). */
export async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Runs `fn` on a client of the server's `postgres` database, where databases are created and dropped. */
function withAdmin<T>(serverUrl: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const admin = new URL(serverUrl);
  admin.pathname = '/postgres';
  return withClient(admin.toString(), fn);
}

/**
 * The template database of these migrations on this server, made when missing: migrated under another name and
 * renamed when complete, under an advisory lock, so test files starting side by side make it once and never copy a
 * half-migrated one.
 */
async function ensureTemplate(admin: Client, serverUrl: string): Promise<string> {
  const template = templateName();
  const exists = async () => (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template])).rowCount === 1;
  if (await exists()) return template;
  await admin.query('SELECT pg_advisory_lock(hashtext($1))', [template]);
  try {
    if (await exists()) return template;
    const building = `${template.slice(0, 40)}_${randomBytes(4).toString('hex')}`;
    const url = new URL(serverUrl);
    url.pathname = `/${building}`;
    // Loaded here only: TypeORM and every migration cost a test file about a second of CPU.
    const { prepareDatabase, dropDatabase } = await import('../../../infra/postgres/database');
    try {
      await prepareDatabase(url.toString());
      await admin.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
    } catch (error) {
      await dropDatabase(url.toString()).catch(() => undefined);
      throw error;
    }
    return template;
  } finally {
    await admin.query('SELECT pg_advisory_unlock(hashtext($1))', [template]);
  }
}
