import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { ProjectionRebuilder } from '@newsroom/projections';
import { createTestDatabase, TestDatabase } from '@newsroom/testing';
import { StoryFactsOnly1764902000000 } from '../../../infra/postgres/migrations/1764902000000-story-facts-only.migration';
import { applyLog, itFoldsTheFeedEveryWay, readModelSnapshot } from './support/log-replay.util';
import { amendmentAppend, sourcingAppend, toAppend } from '../../../tests/fixtures/story.fixture';

const fact = (id: string, type: string, subject: string, data: unknown) =>
  toAppend({ id, type, subject, occurredAt: '2026-03-01', data, sources: [{ outlet: 'Example Daily', language: 'en' }] });

/**
 * The black-box tester's steps, twice over: a departure from org A, a confirming source, a correction moving it to org
 * B, another source, a retraction. B's readers got the correction and nothing after it, A's got everything while told
 * the fact was B's. Every item on the fact after the correction reaches A's readers and B's; a second move (to C)
 * reaches all three. Applied event by event, in batches, by a rebuild, and after the migration's queued fold, on real
 * Postgres: the same feed.
 */
describe('feed: items on a fact a correction moved reach both organizations (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PgEventStore;
  const ids = {
    departure: randomUUID(),
    source1: randomUUID(),
    moved: randomUUID(),
    source2: randomUUID(),
    retracted: randomUUID(),
    other: randomUUID(),
    moved1: randomUUID(),
    moved2: randomUUID(),
    source3: randomUUID(),
    round: randomUUID(),
  };
  const other = (n: number) => ({ outlet: `Other Daily ${n}`, language: 'en' });

  /** What the feed's history read matches for `organization=` (the items' event ids in position order). */
  const forOrganization = async (org: string): Promise<string[]> =>
    (await ds.query(`SELECT event_id FROM read_model.feed_items WHERE organizations && $1::text[] ORDER BY position`, [[org]])).map(
      (r: { event_id: string }) => r.event_id,
    );

  beforeAll(async () => {
    db = await createTestDatabase('feed_moved_fact');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    store = new PgEventStore(db.pool);
    const departed = { organization: 'org:t12-mv-a', role: 'CFO', roleCategory: 'c-suite' };
    await store.append(fact(ids.departure, 'executive.departed', 'person:pat', departed));
    await store.append(sourcingAppend('person:pat', ids.departure, other(1), 'confirms', ids.source1));
    const move = (to: string) => ({ changes: { data: { organization: to } }, reason: 'the other company' });
    await store.append(amendmentAppend('person:pat', 'corrected', ids.departure, move('org:t12-mv-b'), ids.moved));
    await store.append(sourcingAppend('person:pat', ids.departure, other(2), 'confirms', ids.source2));
    await store.append(amendmentAppend('person:pat', 'retracted', ids.departure, { reason: 'never left' }, ids.retracted));
    // Moved twice: A to B, then B to C.
    await store.append(fact(ids.other, 'executive.departed', 'person:lee', departed));
    await store.append(amendmentAppend('person:lee', 'corrected', ids.other, move('org:t12-mv-b'), ids.moved1));
    await store.append(amendmentAppend('person:lee', 'corrected', ids.other, move('org:t12-mv-c'), ids.moved2));
    await store.append(sourcingAppend('person:lee', ids.other, other(3), 'confirms', ids.source3));
    // A round led by a tracked investor: its stored headline names it.
    await store.append(
      fact(ids.round, 'funding.round_closed', 'org:t12-fr2-beta', {
        money: { amount: '5000000', currency: 'USD' },
        leadInvestor: 'org:t12-fr2-thrive',
      }),
    );
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const expectReach = async () => {
    // A's readers: the fact, its first source, the correction telling them it moved, and everything after it.
    expect(await forOrganization('org:t12-mv-a')).toEqual([
      ids.departure,
      ids.source1,
      ids.moved,
      ids.source2,
      ids.retracted,
      ids.other,
      ids.moved1,
      ids.moved2,
      ids.source3,
    ]);
    // B's readers: from the correction on, the later source and the retraction included.
    expect(await forOrganization('org:t12-mv-b')).toEqual([ids.moved, ids.source2, ids.retracted, ids.moved1, ids.moved2, ids.source3]);
    expect(await forOrganization('org:t12-mv-c')).toEqual([ids.moved2, ids.source3]);
    const [round] = await ds.query(`SELECT headline_en, headline_fr, organizations FROM read_model.feed_items WHERE event_id = $1`, [
      ids.round,
    ]);
    expect(round.headline_en).toBe('T12 Fr2 Beta raises 5 million USD, led by T12 Fr2 Thrive');
    expect(round.headline_fr).toBe('T12 Fr2 Beta lève 5\u00a0millions\u00a0USD, tour mené par T12 Fr2 Thrive');
    expect(round.organizations).toEqual(['org:t12-fr2-beta', 'org:t12-fr2-thrive']);
  };

  itFoldsTheFeedEveryWay(
    'every item after a move reaches the old organization and the new one',
    () => ({ store, ds }),
    'feed-moved-test',
    expectReach,
  );

  it('a feed stored before (B missing from the later items) gets folded again in the background, which the migration queues', async () => {
    await ds.query(`TRUNCATE read_model.feed_items`);
    await applyLog(store, ds, { pageSize: 100, batched: true });
    const incremental = await readModelSnapshot(ds);
    // What the version before stored: the items after the correction reached A only, the round's headline its slug.
    await ds.query(
      `UPDATE read_model.feed_items SET organizations = ARRAY['org:t12-mv-a'], subjects = ARRAY['person:pat', 'org:t12-mv-a']
       WHERE event_id = ANY($1::uuid[])`,
      [[ids.source2, ids.retracted]],
    );
    await ds.query(
      `UPDATE read_model.feed_items SET headline_en = 'T12 Fr2 Beta raises 5 million USD, led by org:t12-fr2-thrive'
      WHERE event_id = $1`,
      [ids.round],
    );
    await ds.query(`DELETE FROM read_model.projection_backfills`);
    await ds.query(`INSERT INTO read_model.projection_checkpoints (projection, topic, partition, last_position, last_offset)
      SELECT p, 'feed-moved-test', 0, 10, 9 FROM unnest(ARRAY['feed', 'timeline', 'sources']) AS p ON CONFLICT DO NOTHING`);
    const runner = ds.createQueryRunner();
    try {
      await new StoryFactsOnly1764902000000().down(runner);
      await new StoryFactsOnly1764902000000().up(runner);
    } finally {
      await runner.release();
    }
    expect(
      (await ds.query(`SELECT projection FROM read_model.projection_backfills ORDER BY projection`)).map(
        (r: { projection: string }) => r.projection,
      ),
    ).toEqual(['feed', 'sources', 'timeline']);
    // The backfill the projector runs for that intent (a rebuild of the feed) gives what the projector now makes.
    await new ProjectionRebuilder(ds).rebuild({
      projections: ['feed'],
      topic: 'feed-moved-test',
      partitions: [0],
      concurrency: 2,
      batchSize: 2,
    });
    expect((await readModelSnapshot(ds)).feed_items).toEqual(incremental.feed_items);
    await expectReach();
  });
});
