import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { createProjections, PROJECTION_NAMES, ProjectionRebuilder } from '@newsroom/projections';
import { createTestDatabase, TestDatabase } from '@newsroom/testing';
import {
  amendmentAppend,
  laterCorrections,
  laterEnvelopes,
  seedEnvelopes,
  storyAppends,
  toAppend,
} from '../../../tests/fixtures/story.fixture';

const TABLES = createProjections().flatMap((p) => p.tables ?? []);

/**
 * The rebuild's fold: groups of read models folded side by side over shared pages give the same tables as one
 * group folding everything, and an event one read model cannot take is set aside for that model only.
 */
describe('rebuild fold: groups side by side, bad events set aside (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const poisonId = randomUUID();

  const snapshot = async () => {
    const out: Record<string, unknown[]> = {};
    for (const t of TABLES) out[t] = await ds.query(`SELECT * FROM read_model.${t} t ORDER BY t::text`);
    return out;
  };
  const rebuild = (concurrency: number, batchSize: number) =>
    new ProjectionRebuilder(ds).rebuild({ projections: PROJECTION_NAMES, topic: 'fold-test', partitions: [0], concurrency, batchSize });

  beforeAll(async () => {
    db = await createTestDatabase('rebuild_fold');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    const store = new PgEventStore(db.pool);
    await store.appendMany(storyAppends(seedEnvelopes()));
    // A departure without a role: the feed and the timeline take it, leadership and departures (role NOT NULL) cannot.
    await store.append(
      toAppend({
        id: poisonId,
        type: 'executive.departed',
        subject: 'person:no-role',
        occurredAt: '2025-01',
        data: { organization: 'org:openai', roleCategory: 'other' },
        sources: [{ outlet: 'Odd Wire', language: 'en' }],
      }),
    );
    await store.appendMany(storyAppends(laterEnvelopes()));
    const [fix] = laterCorrections();
    await store.append(amendmentAppend('org:openai', 'corrected', fix.targetEventId, fix, fix.id));
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('sets the bad event aside for the read models that cannot take it, and folds everything else', async () => {
    const result = await rebuild(3, 5);
    expect(result.failures).toBe(2);
    expect(
      (await ds.query(`SELECT projection FROM read_model.projection_failures WHERE event_id = $1 ORDER BY 1`, [poisonId])).map(
        (r: { projection: string }) => r.projection,
      ),
    ).toEqual(['departures', 'leadership']);
    expect(await ds.query(`SELECT count(*)::int AS n FROM read_model.feed_items WHERE event_id = $1`, [poisonId])).toEqual([{ n: 1 }]);
    expect(await ds.query(`SELECT count(*)::int AS n FROM read_model.timeline_facts WHERE fact_id = $1`, [poisonId])).toEqual([{ n: 2 }]);
  });

  it('gives the same tables whatever the number of groups and the page size', async () => {
    await rebuild(3, 5);
    const three = await snapshot();
    await rebuild(1, 1000);
    expect(await snapshot()).toEqual(three);
    expect(three.leadership_events.length).toBeGreaterThan(5);
  });
});
