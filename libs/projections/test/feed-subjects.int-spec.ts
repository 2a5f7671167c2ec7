import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { ProjectionRebuilder } from '@newsroom/projections';
import { createTestDatabase, TestDatabase } from '@newsroom/testing';
import { FeedItemSubjects1764901400000 } from '../../../infra/postgres/migrations/1764901400000-feed-item-subjects.migration';
import { applyLog, itFoldsTheFeedEveryWay, readModelSnapshot } from './support/log-replay.util';
import { amendmentAppend, sourcingAppend, toAppend } from '../../../tests/fixtures/story.fixture';

const SOURCES = [{ outlet: 'Example Daily', language: 'en' }];
const fact = (id: string, type: string, subject: string, data: unknown) =>
  toAppend({ id, type, subject, occurredAt: '2026-03-01', data, sources: SOURCES });

/**
 * Feed items keep every entity their fact names (`subjects`, from the timeline's mentionsOf), which the `subjects`
 * filter matches (and `organization`, through the organizations among them): the black-box tester's intervention
 * (authority), revenue target (setBy) and departure (destination), with a correction, a retraction, an attached source
 * and a case's step. Applied event by event, in batches, by a rebuild, and on a table filled before the column
 * existed (the migration's floor, then the backfill's fold), on real Postgres: always the same feed.
 */
describe('feed: items keep every subject their fact names (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PgEventStore;
  const ids = {
    intervention: randomUUID(),
    target: randomUUID(),
    departure: randomUUID(),
    corrected: randomUUID(),
    retracted: randomUUID(),
    sourced: randomUUID(),
    appointed: randomUUID(),
    filed: randomUUID(),
    step: randomUUID(),
  };

  const subjectsOf = async (eventId: string): Promise<string[]> =>
    (await ds.query(`SELECT subjects FROM read_model.feed_items WHERE event_id = $1`, [eventId]))[0]?.subjects ?? [];
  /** What the feed's history read matches for `subjects=` (and `organization=`): the item's event ids in order. */
  const matching = async (column: 'subjects' | 'organizations', subject: string): Promise<string[]> =>
    (await ds.query(`SELECT event_id FROM read_model.feed_items WHERE ${column} && $1::text[] ORDER BY position`, [[subject]])).map(
      (r: { event_id: string }) => r.event_id,
    );

  beforeAll(async () => {
    db = await createTestDatabase('feed_subjects');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    store = new PgEventStore(db.pool);
    await store.append(
      fact(ids.intervention, 'regulatory.intervention_requested', 'org:beta', {
        by: 'org:acme',
        authority: 'authority:ftc',
        request: 'Block it',
      }),
    );
    await store.append(
      fact(ids.target, 'revenue.target_set', 'org:acme', {
        money: { amount: '1000', currency: 'USD' },
        targetPeriod: '2027',
        setBy: 'person:pat',
      }),
    );
    await store.append(
      fact(ids.departure, 'executive.departed', 'person:pat', {
        organization: 'org:acme',
        role: 'CFO',
        roleCategory: 'c-suite',
        destination: 'org:gamma',
      }),
    );
    // The destination was wrong: the correction reaches the old destination's readers and the new one's.
    await store.append(
      amendmentAppend(
        'person:pat',
        'corrected',
        ids.departure,
        { changes: { data: { destination: 'org:delta' } }, reason: 'x' },
        ids.corrected,
      ),
    );
    await store.append(sourcingAppend('org:beta', ids.intervention, { outlet: 'Other Daily', language: 'en' }, 'confirms', ids.sourced));
    await store.append(amendmentAppend('org:acme', 'retracted', ids.target, { reason: 'never set' }, ids.retracted));
    await store.append(
      fact(ids.appointed, 'executive.appointed', 'person:x', { organization: 'org:acme', role: 'CTO', roleCategory: 'c-suite' }),
    );
    await store.append(
      fact(ids.filed, 'lawsuit.filed', 'case:acme-v-ftc', {
        title: 'A v. F',
        plaintiffs: ['org:acme'],
        defendants: ['authority:ftc'],
        claims: ['x'],
      }),
    );
    await store.append(fact(ids.step, 'lawsuit.status_changed', 'case:acme-v-ftc', { status: 'dismissed' }));
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const expectSubjects = async () => {
    expect(await subjectsOf(ids.intervention)).toEqual(['org:beta', 'org:acme', 'authority:ftc']);
    expect(await subjectsOf(ids.target)).toEqual(['org:acme', 'person:pat']);
    expect(await subjectsOf(ids.departure)).toEqual(['person:pat', 'org:acme', 'org:gamma']);
    expect(await subjectsOf(ids.corrected)).toEqual(['person:pat', 'org:delta', 'org:acme', 'org:gamma']);
    expect(await subjectsOf(ids.sourced)).toEqual(['org:beta', 'org:acme', 'authority:ftc']);
    expect(await subjectsOf(ids.retracted)).toEqual(['org:acme', 'person:pat']);
    expect(await subjectsOf(ids.step)).toEqual(['case:acme-v-ftc', 'org:acme', 'authority:ftc']);
    expect(await matching('subjects', 'authority:ftc')).toEqual([ids.intervention, ids.sourced, ids.filed, ids.step]);
    expect(await matching('subjects', 'person:pat')).toEqual([ids.target, ids.departure, ids.corrected, ids.retracted]);
    expect(await matching('subjects', 'org:gamma')).toEqual([ids.departure, ids.corrected]);
    expect(await matching('organizations', 'org:gamma')).toEqual([ids.departure, ids.corrected]);
    const acme = [
      ids.intervention,
      ids.target,
      ids.departure,
      ids.corrected,
      ids.sourced,
      ids.retracted,
      ids.appointed,
      ids.filed,
      ids.step,
    ];
    expect(await matching('subjects', 'org:acme')).toEqual(acme);
    expect(await matching('organizations', 'org:acme')).toEqual(acme);
  };

  itFoldsTheFeedEveryWay(
    "each item names every subject its fact names, its target's and its case's",
    () => ({ store, ds }),
    'feed-subjects-test',
    expectSubjects,
  );

  it('items stored before the column existed keep what the filters matched, and the queued fold gives the same feed', async () => {
    await ds.query(`TRUNCATE read_model.feed_items`);
    await applyLog(store, ds, { pageSize: 100, batched: true });
    const incremental = await readModelSnapshot(ds);
    // The table as the version before kept it: no subjects, and organizations as they were (the destination not among them).
    await ds.query(`ALTER TABLE read_model.feed_items DROP COLUMN subjects`);
    await ds.query(`UPDATE read_model.feed_items SET organizations = array_remove(organizations, 'org:gamma')`);
    await ds.query(`INSERT INTO read_model.projection_checkpoints (projection, topic, partition, last_position, last_offset)
      VALUES ('feed', 'feed-subjects-test', 0, 9, 8) ON CONFLICT DO NOTHING`);
    const runner = ds.createQueryRunner();
    try {
      await new FeedItemSubjects1764901400000().up(runner);
    } finally {
      await runner.release();
    }
    // At once: each item has its stream subject and its organizations, what subjects= and organization= matched before.
    expect(await subjectsOf(ids.step)).toEqual(['case:acme-v-ftc', 'org:acme']);
    expect(await subjectsOf(ids.departure)).toEqual(['person:pat', 'org:acme']);
    expect(await ds.query(`SELECT projection FROM read_model.projection_backfills`)).toEqual([{ projection: 'feed' }]);
    // The backfill the projector runs for that intent (a rebuild of the feed) fills in the rest.
    await new ProjectionRebuilder(ds).rebuild({
      projections: ['feed'],
      topic: 'feed-subjects-test',
      partitions: [0],
      concurrency: 2,
      batchSize: 2,
    });
    expect(await ds.query(`SELECT projection FROM read_model.projection_backfills`)).toEqual([]);
    expect((await readModelSnapshot(ds)).feed_items).toEqual(incremental.feed_items);
    await expectSubjects();
  });
});
