import { createHash, randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { PROJECTION_NAMES, ProjectionRebuilder, sourceIdOf } from '@newsroom/projections';
import {
  createTestDatabase,
  departedEnvelope,
  pastMillisecondOf,
  pollUntil,
  TEST_KAFKA_BROKERS,
  TestDatabase,
  testTopics,
  withMigrationUndone,
} from '@newsroom/testing';
import { UndatedSourceStories1764902100000 } from '../../../infra/postgres/migrations/1764902100000-undated-source-stories.migration';
import { Envelope, toAppend } from '../../../tests/fixtures/story.fixture';
import { applyLog, readModelSnapshot } from '../../../libs/projections/test/support/log-replay.util';
import { loadProjectorConfig } from '../../projector/src/config/projector.config';
import { ReadModelBackfill } from '../../projector/src/projector/read-model-backfill.service';
import { startReportsApp } from './support/reports-app.harness';

interface Story {
  id: string;
  outlet: string;
  publishedAt: string | null;
}
interface Cited extends Story {
  url: string | null;
}
interface StoryPage extends Story {
  items: Array<{ factId: string; occurredAt: string; sources: Cited[] }>;
}

/** Le Monde as the tester recorded it: outlet and language, no url, no title; one article per date. */
const monde = (publishedAt: string) => ({ outlet: 'Le Monde', language: 'fr', publishedAt });
/** Le Monde under another spelling: the same outlet to a reader. */
const mondeAgain = (publishedAt: string) => ({ outlet: 'LE  MONDE', language: 'fr', publishedAt });
/** One article with a url, cited under two dates: one story all the same (its id hashes no date). */
const WIRE = { outlet: 'Dated Wire', url: 'https://wire.example/openai-may', language: 'en' };
const ORG = 'org:ud-openai';
/** The id every article of Le Monde without url or title had before (a hash of the outlet alone). */
const OLD_ID = createHash('sha256')
  .update(JSON.stringify(['Le Monde', null, null]))
  .digest('hex')
  .slice(0, 24);

const departed = (subject: string, occurredAt: string, source: object): Envelope => ({
  ...departedEnvelope({ subject, occurredAt, sources: [source] }),
  data: { organization: ORG, role: `Officer of ${subject}`, roleCategory: 'c-suite', reason: 'resigned' },
});
const restructured = (occurredAt: string, source: object): Envelope => ({
  id: randomUUID(),
  type: 'governance.restructuring_announced',
  subject: ORG,
  occurredAt,
  data: { from: 'nonprofit lab', to: `public benefit corporation (${occurredAt})` },
  sources: [source],
});

// Recorded in this order: September first, as the tester's story whose date became 2025-09-16.
const SEPTEMBER = [
  departed('person:ud-sep-a', '2025-09-15', monde('2025-09-16')),
  departed('person:ud-sep-b', '2025-09-14', monde('2025-09-16')),
];
const MAY = [
  restructured('2025-05-05', monde('2025-05-06')),
  departed('person:ud-may-a', '2025-05-04', monde('2025-05-06')),
  departed('person:ud-may-b', '2025-05-05', mondeAgain('2025-05-06')),
];
const JULY = [departed('person:ud-jul', '2025-06-30', monde('2025-07-01'))];
const WIRED = [
  departed('person:ud-wire-a', '2025-05-03', { ...WIRE, publishedAt: '2025-05-06' }),
  departed('person:ud-wire-b', '2025-05-07', { ...WIRE, publishedAt: '2025-05-08' }),
];

/**
 * A source with neither url nor title is a story per outlet and publishedAt (tester's case: Le Monde of 6 May, 1 July
 * and 16 September had become one story dated 16 September backing every fact, while the timeline showed each fact's
 * own date under that id). GET /v1/sources, /v1/sources/{id}, the timeline's source ids and reporting.sources, live
 * and after the migration's background rebuild of a database the old ids were stored in (real Postgres and Kafka).
 */
describe('stories without url or title, told apart by date (real Postgres, Kafka for the backfill)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let app: INestApplication;
  let base: string;
  const { prefix, topics } = testTopics('undated-stories');

  const get = async <T>(path: string): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${base}${path}`);
    return { status: res.status, body: (await res.json()) as T };
  };
  const listed = async (outlet: string) =>
    (await get<{ items: Story[] }>(`/v1/sources?limit=100&outlet=${encodeURIComponent(outlet)}`)).body.items.map((s) => [
      s.id,
      s.publishedAt,
    ]);
  const storyPage = async (id: string) => (await get<StoryPage>(`/v1/sources/${id}?limit=100`)).body;
  /** The stories the timeline lists on each fact of ORG's people and ORG itself: fact id -> [id, publishedAt]. */
  const timelineSources = async () => {
    const { body } = await get<{ items: Array<{ factId: string; sources: Cited[] }> }>(`/v1/reports/timeline?limit=100`);
    return new Map(body.items.map((i) => [i.factId, i.sources.map((s) => [s.id, s.publishedAt])]));
  };
  /** reporting.sources as a BI tool reads it, each story with the facts reporting.source_facts joins to it. */
  const reportingSources = (outlet: string) =>
    ds.query(
      `SELECT s.id, s.published_at, array_agg(f.fact_id::text ORDER BY f.fact_id) AS facts
       FROM reporting.sources s JOIN reporting.source_facts f ON f.source_id = s.id
       WHERE s.outlet ILIKE $1 GROUP BY s.id, s.published_at ORDER BY s.published_at, s.id`,
      [outlet],
    );
  const ids = (envelopes: Envelope[]) => envelopes.map((e) => e.id!).sort();

  /** What every reader should see: one story per date, the same date on every endpoint for one id. */
  const expectStoriesByDate = async () => {
    const [sep, may, jul] = ['2025-09-16', '2025-05-06', '2025-07-01'].map((d) => sourceIdOf(monde(d)));
    // Listed in the order first recorded, each with its own date; "LE  MONDE" of May is the May story.
    expect(await listed('le monde')).toEqual([
      [sep, '2025-09-16'],
      [may, '2025-05-06'],
      [jul, '2025-07-01'],
    ]);
    expect(await listed('Dated Wire')).toEqual([[sourceIdOf(WIRE), '2025-05-06']]);

    const mayPage = await storyPage(may);
    expect([mayPage.id, mayPage.outlet, mayPage.publishedAt]).toEqual([may, 'Le Monde', '2025-05-06']);
    // The May restructuring is backed by the May story only, never by the September one.
    expect(mayPage.items.map((i) => i.factId).sort()).toEqual(ids(MAY));
    expect((await storyPage(sep)).items.map((i) => i.factId).sort()).toEqual(ids(SEPTEMBER));
    expect((await storyPage(jul)).items.map((i) => i.factId)).toEqual(ids(JULY));
    // The page by the other spelling's id is the same story.
    expect((await storyPage(sourceIdOf(mondeAgain('2025-05-06')))).items.map((i) => i.factId).sort()).toEqual(ids(MAY));
    for (const item of mayPage.items) expect(item.sources.map((s) => s.publishedAt)).toEqual(['2025-05-06']);
    expect((await get(`/v1/sources/${OLD_ID}`)).status).toBe(404);

    // The url story: one id, both facts, one date, the first recorded, on the page and on each fact of it.
    const wirePage = await storyPage(sourceIdOf(WIRE));
    expect(wirePage.publishedAt).toBe('2025-05-06');
    expect(wirePage.items.map((i) => i.factId).sort()).toEqual(ids(WIRED));
    for (const item of wirePage.items) expect(item.sources.map((s) => [s.id, s.publishedAt])).toEqual([[sourceIdOf(WIRE), '2025-05-06']]);

    // The timeline names, on each fact, the story GET /v1/sources/{id} gives with the same date.
    const timeline = await timelineSources();
    const dated = (e: Envelope, id: string, date: string) => expect(timeline.get(e.id!)).toEqual([[id, date]]);
    for (const e of MAY.slice(0, 2)) dated(e, may, '2025-05-06');
    dated(MAY[2], sourceIdOf(mondeAgain('2025-05-06')), '2025-05-06');
    for (const e of SEPTEMBER) dated(e, sep, '2025-09-16');
    dated(JULY[0], jul, '2025-07-01');
    for (const e of WIRED) dated(e, sourceIdOf(WIRE), '2025-05-06');
    for (const [id, date] of [...timeline.values()].flat()) {
      const shown = await storyPage(id as string);
      expect([id, shown.publishedAt]).toEqual([id, date]);
    }

    // reporting.sources: a row per story and date (two for the May story, one per spelling), each joined to its facts.
    expect(await reportingSources('le%monde')).toEqual(
      [
        { id: may, published_at: '2025-05-06', facts: ids(MAY.slice(0, 2)) },
        { id: sourceIdOf(mondeAgain('2025-05-06')), published_at: '2025-05-06', facts: ids(MAY.slice(2)) },
        { id: jul, published_at: '2025-07-01', facts: ids(JULY) },
        { id: sep, published_at: '2025-09-16', facts: ids(SEPTEMBER) },
      ].sort((a, b) => a.published_at.localeCompare(b.published_at) || (a.id < b.id ? -1 : 1)),
    );
    expect(await reportingSources('Dated Wire')).toEqual([{ id: sourceIdOf(WIRE), published_at: '2025-05-06', facts: ids(WIRED) }]);
  };

  beforeAll(async () => {
    db = await createTestDatabase('undated-stories');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    const store = new PgEventStore(db.pool);
    for (const e of [...SEPTEMBER, ...MAY, ...JULY, ...WIRED]) {
      const [stored] = await store.append(toAppend(e));
      await pastMillisecondOf(stored.recordedAt);
    }
    await applyLog(store, ds, { pageSize: 3, batched: true });
    ({ app, base } = await startReportsApp(ds));
  });

  afterAll(async () => {
    await app?.close();
    await ds?.destroy();
    await db?.drop();
  });

  it('folded live: one story per outlet and date, the same date for one id on every endpoint, and a rebuild equal to it', async () => {
    await expectStoriesByDate();
    const live = await readModelSnapshot(ds);
    await new ProjectionRebuilder(ds).rebuild({ projections: [...PROJECTION_NAMES], topic: topics.events, partitions: [0] });
    expect(await readModelSnapshot(ds)).toEqual(live);
  });

  it('a database holding the old merged story: the migration queues a rebuild, after which every endpoint and reporting.sources are right', async () => {
    // The sources read model as the old code left it: every Le Monde article one story, dated by the first recorded.
    const fresh = ['2025-09-16', '2025-05-06', '2025-07-01'].map((d) => sourceIdOf(monde(d)));
    await ds.query(
      `UPDATE read_model.source_facts SET part = CASE WHEN part = source_id THEN $1 ELSE part END, source_id = $1 WHERE source_id = ANY($2)`,
      [OLD_ID, fresh],
    );
    await ds.query(`DELETE FROM read_model.sources WHERE id = ANY($1)`, [fresh.slice(1)]);
    await ds.query(`UPDATE read_model.sources SET id = $1, story_key = NULL WHERE id = $2`, [OLD_ID, fresh[0]]);
    expect((await storyPage(OLD_ID)).items).toHaveLength(SEPTEMBER.length + MAY.length - 1 + JULY.length);

    await withMigrationUndone(ds, new UndatedSourceStories1764902100000(), async () => undefined);
    expect(await ds.query(`SELECT projection FROM read_model.projection_backfills`)).toEqual([{ projection: 'sources' }]);
    const [{ comment }] = await ds.query(`SELECT obj_description('reporting.sources'::regclass) AS comment`);
    expect(comment).toContain('published_at for a story with neither url nor title');

    // The projector's background backfill folds the sources read model again (the broker asked for its partitions).
    const config = loadProjectorConfig({ DATABASE_URL: db.url, KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(','), KAFKA_TOPIC_PREFIX: prefix });
    const backfill = new ReadModelBackfill(config, ds, [...PROJECTION_NAMES]);
    backfill.start();
    try {
      await pollUntil(async () => (await ds.query(`SELECT 1 FROM read_model.projection_backfills`)).length === 0, {
        timeoutMs: 60_000,
        what: 'the sources backfill',
      });
    } finally {
      await backfill.close();
    }
    await expectStoriesByDate();
  });
});
