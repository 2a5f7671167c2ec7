import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { advanceFeedWatermark, createProjections, PROJECTION_NAMES, ProjectionRebuilder, projectedFromStored } from '@newsroom/projections';
import { createTestDatabase, pastMillisecondOf, TestDatabase } from '@newsroom/testing';
import { amendmentAppend, seedEnvelopes, storyAppends } from '../../../tests/fixtures/story.fixture';
import { DeparturesRepository } from '../src/reports/departures/departures.repository';
import { EntityLinksRepository } from '../src/reports/shared/entity-links.repository';

const MIRA = 'person:mira-murati';
const MIRA_DEPARTED = '0193b7f0-0000-7000-8000-000000000001';
const TABLES = createProjections().flatMap((p) => p.tables ?? []);
const page = { asOf: null, modality: null, limit: 100, cursor: null, organization: 'org:openai', from: null, to: null, groupBy: null };
const BLOG = [{ path: 'data.reason', note: 'the reason is from her own post, not the article' }];

/**
 * A correction that changes what the sources do not state (`changes.inferred`) on real Postgres: the report shows
 * the new list, its history and knownAt the old one, the correction's feed item carries it in its changes, and a
 * rebuild from the store gives the tables the incremental fold gave.
 */
describe('inferred fields changed by corrections: reports, history, feed, rebuild (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PgEventStore;
  let departures: DeparturesRepository;
  const at: Record<string, string> = {};

  const snapshot = async () => {
    const out: Record<string, unknown[]> = {};
    for (const t of TABLES) out[t] = await ds.query(`SELECT * FROM read_model.${t} t ORDER BY t::text`);
    return out;
  };
  const mira = async (knownAt: string | null = null) => {
    const r = await departures.report({ ...page, knownAt });
    if (!('items' in r)) throw new Error('expected a page');
    return r.items.find((i) => i.factId === MIRA_DEPARTED)!;
  };

  beforeAll(async () => {
    db = await createTestDatabase('inferred_corrections');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    store = new PgEventStore(db.pool);
    // Each correction in a later millisecond than the step before: the cases ask just before them.
    const seededAll = await store.appendMany(storyAppends(seedEnvelopes()));
    const [seeded] = seededAll;
    await pastMillisecondOf(seededAll.at(-1)!.recordedAt);
    const day = { changes: { occurredAt: '2024-09-25', inferred: [] }, reason: 'A second outlet gives the day' };
    const [first] = await store.append(amendmentAppend(MIRA, 'corrected', MIRA_DEPARTED, day));
    await pastMillisecondOf(first.recordedAt);
    const reason = { changes: { data: { reason: 'resigned' }, inferred: BLOG }, reason: 'She said so herself' };
    const [second] = await store.append(amendmentAppend(MIRA, 'corrected', MIRA_DEPARTED, reason));
    const [plain] = await store.append(
      amendmentAppend(MIRA, 'corrected', MIRA_DEPARTED, { changes: { data: { role: 'CTO' } }, reason: 'x' }),
    );
    Object.assign(at, { seeded: seeded.recordedAt, first: first.recordedAt, second: second.recordedAt, plain: plain.recordedAt });
    // Applied event by event, in log order (the live projector's way).
    const projections = createProjections();
    await ds.transaction(async (m) => {
      for (const stored of await store.readAll('0', 1000)) {
        const event = projectedFromStored(stored);
        for (const p of projections) if (!p.handles || p.handles(event)) await p.apply(m, event);
      }
      // As the projector does after a batch: reports read the state up to the feed watermark.
      await advanceFeedWatermark(m);
    });
    departures = new DeparturesRepository(ds, new EntityLinksRepository(ds));
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('the report shows the latest list given (a correction without one keeps it) and each earlier version its own', async () => {
    const now = await mira();
    expect(now).toMatchObject({ occurredAt: '2024-09-25', reason: 'resigned', role: 'CTO', status: 'corrected', inferred: BLOG });
    const seedList = seedEnvelopes().find((e) => e.id === MIRA_DEPARTED)!.inferred;
    expect(seedList).toHaveLength(1);
    // Newest first: the version before the plain correction, the one with the emptied list, the seed's.
    expect(now.history.map((h) => h.inferred)).toEqual([BLOG, [], seedList]);
  });

  it('knownAt before a correction shows the list as it stood then', async () => {
    const justBefore = (iso: string) => new Date(Date.parse(iso) - 1).toISOString();
    expect((await mira(justBefore(at.first))).inferred).toEqual(seedEnvelopes().find((e) => e.id === MIRA_DEPARTED)!.inferred);
    expect((await mira(justBefore(at.second))).inferred).toEqual([]);
    const [view] = await ds.query(`SELECT inferred FROM reporting.departures WHERE fact_id = $1`, [MIRA_DEPARTED]);
    expect(view.inferred).toEqual(BLOG);
  });

  it("the correction's feed item carries the new list in its changes", async () => {
    const items: Array<{ data: { changes: { inferred?: unknown } } }> = await ds.query(
      `SELECT data FROM read_model.feed_items WHERE type = 'event.corrected' AND target_event_id = $1 ORDER BY position`,
      [MIRA_DEPARTED],
    );
    expect(items.map((i) => i.data.changes.inferred)).toEqual([[], BLOG, undefined]);
  });

  it('a rebuild from the event store gives the same tables as the incremental fold', async () => {
    const incremental = await snapshot();
    await new ProjectionRebuilder(ds).rebuild({
      projections: PROJECTION_NAMES,
      topic: 'inferred-corrections-test',
      partitions: [0],
      batchSize: 5,
    });
    expect(await snapshot()).toEqual(incremental);
  });
});
