import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { FactModel, sourcesModel, timelineModel, withLeadRowPayload } from '@newsroom/projections';
import { createTestDatabase, TestDatabase } from '@newsroom/testing';
import { FactPayloadOnce1764900400000 } from '../../../infra/postgres/migrations/1764900400000-fact-payload-once.migration';
import { ReportingAgreesWithApi1764902600000 } from '../../../infra/postgres/migrations/1764902600000-reporting-agrees-with-api.migration';
import { amendmentAppend, laterCorrections, laterEnvelopes, seedEnvelopes, storyAppends } from '../../../tests/fixtures/story.fixture';
import { applyLog } from './support/log-replay.util';

const TABLES: Array<[string, FactModel]> = [
  ['timeline_facts', timelineModel],
  ['source_facts', sourcesModel],
];
const LEAD_ONLY = ['data', 'sources', 'inferred', 'headline_en', 'headline_fr'];

/**
 * Mention and source-link rows are keys: one row per version keeps the payload (issue 15's write amplification).
 * What readers see (each row with its version's payload joined back, and the reporting views) is what the tables
 * held when every row carried it; the migration thins a database that already holds rows and its down fills them.
 */
describe('fact payload once per version: lead rows, readers and the migration on a filled database (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;

  const joined = (table: string, model: FactModel) =>
    ds.query(withLeadRowPayload(model, `read_model.${table}`, `SELECT * FROM read_model.${table}`, 'k.fact_id, k.version, k.part'));
  const views = async () => ({
    mentions: await ds.query(`SELECT * FROM reporting.entity_mentions v ORDER BY v::text`),
    sources: await ds.query(`SELECT * FROM reporting.source_facts v ORDER BY v::text`),
    timeline: await ds.query(`SELECT * FROM reporting.fact_versions v ORDER BY v::text`),
  });
  const leads = (table: string) =>
    ds.query(
      `SELECT fact_id, version, count(*) FILTER (WHERE data IS NOT NULL)::int AS leads, count(*)::int AS rows,
         count(*) FILTER (WHERE data IS NULL AND num_nonnulls(${LEAD_ONLY.join(', ')}) > 0)::int AS half
       FROM read_model.${table} GROUP BY fact_id, version`,
    );

  beforeAll(async () => {
    db = await createTestDatabase('payload_once');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    const store = new PgEventStore(db.pool);
    await store.appendMany(storyAppends([...seedEnvelopes(), ...laterEnvelopes()]));
    const [fix] = laterCorrections();
    await store.append(amendmentAppend('org:openai', 'corrected', fix.targetEventId, fix, fix.id));
    await applyLog(store, ds, { pageSize: 7, batched: true });
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('keeps the payload on exactly one row per version, the subject row on the timeline; the others keep none of it', async () => {
    for (const [table] of TABLES) {
      const counts = await leads(table);
      expect(counts.length).toBeGreaterThan(10);
      expect(counts.filter((c: { leads: number; half: number }) => c.leads !== 1 || c.half !== 0)).toEqual([]);
      // Several rows per version somewhere: the fixture names other subjects and cites several stories.
      expect(counts.some((c: { rows: number }) => c.rows > 1)).toBe(true);
    }
    const [{ off }] = await ds.query(`SELECT count(*)::int AS off FROM read_model.timeline_facts WHERE is_primary <> (data IS NOT NULL)`);
    expect(off).toBe(0);
    const [{ corrected }] = await ds.query(`SELECT count(*)::int AS corrected FROM read_model.timeline_facts WHERE version > 1`);
    expect(corrected).toBeGreaterThan(0);
  });

  it('down fills every row from its lead row and up thins them again; readers and views see the same rows throughout', async () => {
    const migration = new FactPayloadOnce1764900400000();
    // A later migration replaces these views again (a case's steps named by its title): undone first and done again
    // last, as a down of the whole chain would, so the views compared are this migration's bodies.
    const later = new ReportingAgreesWithApi1764902600000();
    const runner = ds.createQueryRunner();
    await later.down(runner);
    const before = {
      views: await views(),
      ...Object.fromEntries(await Promise.all(TABLES.map(async ([t, m]) => [t, await joined(t, m)]))),
    };
    try {
      await migration.down(runner);
      // The schema as before the migration: every row carries the payload (a database the migration finds filled).
      for (const [table] of TABLES) {
        const [{ thin }] = await ds.query(
          `SELECT count(*)::int AS thin FROM read_model.${table} WHERE num_nulls(data, sources, inferred, headline_en, headline_fr) > 0`,
        );
        expect(thin).toBe(0);
        expect(await ds.query(`SELECT * FROM read_model.${table} ORDER BY fact_id, version, part`)).toEqual(
          await joined(table, TABLES.find(([t]) => t === table)![1]),
        );
      }
      expect(await views()).toEqual(before.views);
      await migration.up(runner);
      for (const [table, model] of TABLES) {
        expect((await leads(table)).filter((c: { leads: number; half: number }) => c.leads !== 1 || c.half !== 0)).toEqual([]);
        expect(await joined(table, model)).toEqual((before as Record<string, unknown>)[table]);
      }
      expect(await views()).toEqual(before.views);
      await later.up(runner);
    } finally {
      await runner.release();
    }
  });
});
