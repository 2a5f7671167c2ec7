import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { ProjectionRebuilder, RebuildRunningError } from '@newsroom/projections';
import { createTestDatabase, TestDatabase } from '@newsroom/testing';
import { laterEnvelopes, seedEnvelopes, storyAppends } from '../../../tests/fixtures/story.fixture';

/**
 * Two rebuilds of one read model at once used to share its shadow tables: the second dropped and recreated what the
 * first was folding into, and the first then swapped in a table missing the rows it had folded before. Now the second
 * is refused, naming who holds the read model, and leaves the first's work alone; other read models rebuild beside it.
 */
describe('rebuild: one rebuild of a read model at a time (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const rows = async (table: string) => ds.query(`SELECT * FROM read_model.${table} t ORDER BY t::text`);
  const rebuild = (projections: string[], beforeSwap?: () => Promise<void>) =>
    new ProjectionRebuilder(ds).rebuild({ projections, topic: 'lock-test', partitions: [0], batchSize: 3, concurrency: 2, beforeSwap });

  beforeAll(async () => {
    db = await createTestDatabase('rebuild_lock');
    ds = await new DataSource({ type: 'postgres', url: db.url, extra: { max: 12 } }).initialize();
    await new PgEventStore(db.pool).appendMany(storyAppends([...seedEnvelopes(), ...laterEnvelopes()]));
    await rebuild(['departures', 'feed']);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('refuses a second rebuild of a read model being rebuilt, which then swaps in every row; another read model rebuilds meanwhile', async () => {
    const departures = await rows('departures');
    const feed = await rows('feed_items');
    expect(departures.length).toBeGreaterThan(0);
    let second: unknown = null;
    let beside: unknown = null;
    await rebuild(['departures'], async () => {
      // The first has folded the whole log into its shadow tables and not swapped yet.
      second = await rebuild(['feed', 'departures']).catch((e: unknown) => e);
      beside = await rebuild(['feed']).catch((e: unknown) => e);
    });
    expect(second).toBeInstanceOf(RebuildRunningError);
    expect((second as RebuildRunningError).projection).toBe('departures');
    expect((second as Error).message).toMatch(/^a rebuild of departures is already running \(Postgres backend \d+/);
    // The refused one let go of the feed's lock: the feed rebuilt beside the first.
    expect(beside).toMatchObject({ projections: ['feed'] });
    expect(await rows('departures')).toEqual(departures);
    expect(await rows('feed_items')).toEqual(feed);
    // Done, it lets go: the next rebuild of the same read model runs.
    await expect(rebuild(['departures'])).resolves.toMatchObject({ projections: ['departures'] });
    expect(await rows('departures')).toEqual(departures);
  });

  it('names the holder in its own database: another database of the server holding the same key neither blocks it nor is named', async () => {
    const other = await createTestDatabase('rebuild_lock_other');
    const elsewhere = await other.pool.connect();
    const here = await db.pool.connect();
    try {
      // Another deployment on the same server rebuilds departures (the same lock key, in its own database).
      await elsewhere.query(`SET application_name = 'other-database-rebuild'`);
      await elsewhere.query(`SELECT pg_advisory_lock($1, hashtext('departures'))`, [0x5242]);
      await expect(rebuild(['departures'])).resolves.toMatchObject({ projections: ['departures'] });
      // This database's own holder is the one named, whichever took the key first.
      await here.query(`SET application_name = 'this-database-rebuild'`);
      for (const [first, second] of [
        [elsewhere, here],
        [here, elsewhere],
      ]) {
        await first.query(`SELECT pg_advisory_unlock_all()`);
        await second.query(`SELECT pg_advisory_unlock_all()`);
        await first.query(`SELECT pg_advisory_lock($1, hashtext('departures'))`, [0x5242]);
        await second.query(`SELECT pg_advisory_lock($1, hashtext('departures'))`, [0x5242]);
        // pg_locks lists both holders, the other database's too (and those of any other test file rebuilding
        // departures meanwhile, left out here): which one a lookup by key alone took was the order of its rows (a CI
        // run named another test file's backend).
        const [{ holders }] = await ds.query(
          `SELECT count(*)::int AS holders FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND objid = hashtext('departures')::oid
             AND granted AND database IN (SELECT oid FROM pg_database WHERE datname = ANY($2::text[]))`,
          [0x5242, [db.name, other.name]],
        );
        expect(holders).toBe(2);
        const refused = await rebuild(['departures']).catch((e: unknown) => e);
        expect(refused).toBeInstanceOf(RebuildRunningError);
        expect((refused as Error).message).toMatch(/Postgres backend \d+ of this-database-rebuild/);
      }
    } finally {
      await here.query('SELECT pg_advisory_unlock_all()');
      here.release();
      await elsewhere.query('SELECT pg_advisory_unlock_all()');
      elsewhere.release();
      await other.drop();
    }
  });
});
