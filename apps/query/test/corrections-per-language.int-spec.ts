import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { applyMigration, createTestDatabase, TestDatabase } from '@newsroom/testing';
import { applyLog, markFolded } from '../../../libs/projections/test/support/log-replay.util';
import { amendmentAppend, toAppend } from '../../../tests/fixtures/story.fixture';
import { CorrectionsPerLanguage1764902850000 } from '../../../infra/postgres/migrations/1764902850000-corrections-per-language.migration';
import { reportsReader, startReportsApp } from './support/reports-app.harness';

const ORG = 'org:widget-works';
const PERSON = 'person:ann-widget';
const TEXT_READ_MODELS = [
  'conflicts',
  'departures',
  'entities',
  'feed',
  'financials',
  'lawsuits',
  'leadership',
  'products',
  'regulatory',
  'sources',
  'timeline',
];

const departure = () =>
  toAppend({
    id: randomUUID(),
    type: 'executive.departed',
    subject: PERSON,
    occurredAt: '2024-06',
    data: { organization: ORG, role: 'Head of Widgets', roleCategory: 'other', reason: 'resigned' },
    sources: [{ outlet: 'Widget Wire', language: 'en' }],
  });

const queued = async (ds: DataSource) =>
  (await ds.query<Array<{ projection: string }>>(`SELECT projection FROM read_model.projection_backfills ORDER BY 1`)).map(
    (r) => r.projection,
  );

/**
 * A correction giving only the French of a role recorded as a plain string (English) keeps the English beside it: the
 * French desk adds its title and the English readers keep theirs (t31's finding, left in the sixty-second session,
 * when the merge patch replaced the string). Folded into the real read models, read over HTTP in both languages.
 */
describe('a correction giving text in one language merges into a plain string (real Postgres, HTTP)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let app: INestApplication;
  let base: string;
  const { json } = reportsReader(() => base);

  beforeAll(async () => {
    db = await createTestDatabase('corrections_per_language');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    const store = new PgEventStore(db.pool);
    const fact = departure();
    await store.append(fact);
    await store.append(
      amendmentAppend(PERSON, 'corrected', fact.events[0].eventId, {
        changes: { data: { role: { fr: 'responsable des widgets' } } },
        reason: 'le titre de l’édition française',
      }),
    );
    await applyLog(store, ds, { pageSize: 100, batched: true });
    ({ app, base } = await startReportsApp(ds));
  });

  afterAll(async () => {
    await app?.close();
    await ds?.destroy();
    await db?.drop();
  });

  it('answers the English role in English and the French one in French, neither a fallback', async () => {
    type Departures = { items: Array<{ person: string; role: string; fallbacks: string[] }> };
    const en = await json<Departures>(`/v1/reports/departures?organization=${ORG}&lang=en`);
    expect(en.items.map((d) => [d.person, d.role, d.fallbacks])).toEqual([[PERSON, 'Head of Widgets', []]]);
    const fr = await json<Departures>(`/v1/reports/departures?organization=${ORG}&lang=fr`);
    expect(fr.items.map((d) => [d.person, d.role, d.fallbacks])).toEqual([[PERSON, 'responsable des widgets', []]]);
    const tenures = await json<{ items: Array<{ person: string; role: string }> }>(
      `/v1/reports/leadership?organization=${ORG}&show=tenures&lang=en`,
    );
    expect(tenures.items.map((t) => [t.person, t.role])).toEqual([[PERSON, 'Head of Widgets']]);
  });

  it('queues every read model holding text folded again where a correction gives text per language (migration 1764902850000)', async () => {
    await ds.query(`DELETE FROM read_model.projection_backfills`);
    await markFolded(ds, 'per-language', TEXT_READ_MODELS);
    await applyMigration(ds, new CorrectionsPerLanguage1764902850000());
    expect(await queued(ds)).toEqual(TEXT_READ_MODELS);
    await ds.query(`DELETE FROM read_model.projection_backfills`);
  });

  it('queues nothing on a log without such a correction', async () => {
    const other = await createTestDatabase('corrections_per_language_none');
    const otherDs = await new DataSource({ type: 'postgres', url: other.url }).initialize();
    try {
      const store = new PgEventStore(other.pool);
      const fact = departure();
      await store.append(fact);
      await store.append(
        amendmentAppend(PERSON, 'corrected', fact.events[0].eventId, { changes: { data: { role: 'Head of Gadgets' } }, reason: 'x' }),
      );
      await markFolded(otherDs, 'per-language', TEXT_READ_MODELS);
      await applyMigration(otherDs, new CorrectionsPerLanguage1764902850000());
      expect(await queued(otherDs)).toEqual([]);
    } finally {
      await otherDs.destroy();
      await other.drop();
    }
  });
});
