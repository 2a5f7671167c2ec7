import { createTestDatabase, TestDatabase } from '@newsroom/testing';
import { prepareDatabase } from '../database';

/**
 * An operator who upgraded, then started the older code again, was told "migrations run: none pending"; the older
 * projector then wrote feed items without the subjects a newer migration added, and filtered feeds silently missed
 * them (black-box upgrade test, e4c7ea9 -> main -> e4c7ea9). A database a newer version migrated is refused instead.
 */
describe('a database migrated by a newer version of the code (real Postgres)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('newer_db');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('given the database up to date, then preparing it again runs nothing and succeeds', async () => {
    await expect(prepareDatabase(db.url)).resolves.toEqual({ created: false, migrations: [] });
  });

  it('given a migration this code does not know applied, then preparing it (npm start, the compose prepare job) refuses, naming it', async () => {
    await db.pool.query(`INSERT INTO public.typeorm_migrations (timestamp, name) VALUES (1799999999999, 'FromTheFuture1799999999999')`);
    await expect(prepareDatabase(db.url)).rejects.toThrow(
      /^this database was migrated by a newer version of the code: it has 1 migration\(s\) this version does not know \(FromTheFuture1799999999999\)/,
    );
  });
});
