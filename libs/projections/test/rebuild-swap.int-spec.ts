import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { ProjectionRebuilder, RebuildProgress, SWAP_GAP } from '@newsroom/projections';
import { createTestDatabase, eventToAppend, TestDatabase } from '@newsroom/testing';
import { laterEnvelopes, seedEnvelopes, storyAppends } from '../../../tests/fixtures/story.fixture';

/**
 * The swap holds the live projector back (an EXCLUSIVE lock on its checkpoints) while it folds what is left: at
 * most SWAP_GAP events, whatever arrived during the rebuild, the rest caught up in the open first. And a rebuild
 * that folds a position the live projector had failed resolves its projection_failures row, as a replay would.
 */
describe('rebuild: the swap (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PgEventStore;
  const failures = async () =>
    ds.query(`SELECT projection, position::text AS position FROM read_model.projection_failures ORDER BY projection, position`);
  const rebuild = (projections: string[], onProgress?: (p: RebuildProgress) => void, beforeSwap?: () => Promise<void>) =>
    new ProjectionRebuilder(ds).rebuild({ projections, topic: 'swap-test', partitions: [0], concurrency: 2, onProgress, beforeSwap });

  beforeAll(async () => {
    db = await createTestDatabase('rebuild_swap');
    ds = await new DataSource({ type: 'postgres', url: db.url, extra: { max: 8 } }).initialize();
    store = new PgEventStore(db.pool);
    await store.appendMany(storyAppends([...seedEnvelopes(), ...laterEnvelopes()]));
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('folds at most SWAP_GAP events under the lock, though more than that (and less than a batch) arrived during the rebuild', async () => {
    const swaps: RebuildProgress[] = [];
    const arrived = 6 * SWAP_GAP;
    const result = await rebuild(
      ['departures', 'feed'],
      (p) => p.phase === 'swap' && swaps.push(p),
      async () => {
        await store.appendMany(
          Array.from({ length: arrived }, (_, i) => ({ streamId: `person:late-${i}`, expectedVersion: 0, events: [eventToAppend()] })),
        );
      },
    );
    expect(swaps).toHaveLength(1);
    expect(BigInt(swaps[0].head) - BigInt(swaps[0].position)).toBeLessThanOrEqual(BigInt(SWAP_GAP));
    expect(result.head).toBe(await store.headPosition());
    expect((await ds.query(`SELECT count(*)::int AS n FROM read_model.feed_items`))[0].n).toBeGreaterThanOrEqual(arrived);
  });

  it('resolves the failed positions of the read models it rebuilt, and only theirs', async () => {
    // What the live projector records when it gives up on a position (a bug since fixed, say).
    await ds.query(
      `INSERT INTO read_model.projection_failures (projection, position, event_id, type, error)
       SELECT p, e.global_position, e.event_id, e.type, 'failed live'
       FROM (SELECT * FROM event_store.events ORDER BY global_position LIMIT 2) e, unnest(ARRAY['departures', 'timeline']) p`,
    );
    const result = await rebuild(['departures']);
    expect(result.resolved).toBe(2);
    expect(result.failures).toBe(0);
    expect((await failures()).map((r: { projection: string }) => r.projection)).toEqual(['timeline', 'timeline']);
  });
});
