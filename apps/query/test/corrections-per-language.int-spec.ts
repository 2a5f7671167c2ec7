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
const CASE = 'case:widget-v-works';
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
    // A list of texts given in French alone, item by item (t33); and a destination that names a subject, given a text.
    const filing = toAppend({
      id: randomUUID(),
      type: 'lawsuit.filed',
      subject: CASE,
      occurredAt: '2024-02',
      data: { title: 'Widget v. Works', plaintiffs: ['person:widget-maker'], defendants: [ORG], claims: ['breach of contract', 'fraud'] },
      sources: [{ outlet: 'Widget Wire', language: 'en' }],
    });
    await store.append(filing);
    await store.append(
      amendmentAppend(CASE, 'corrected', filing.events[0].eventId, {
        changes: { data: { claims: [{ fr: 'rupture de contrat' }, { fr: 'fraude' }] } },
        reason: 'les griefs en français',
      }),
    );
    const leaving = toAppend({
      id: randomUUID(),
      type: 'executive.departed',
      subject: 'person:bob-widget',
      occurredAt: '2024-08',
      data: { organization: ORG, role: 'Head of Gadgets', roleCategory: 'other', reason: 'resigned', destination: 'org:anthropic' },
      sources: [{ outlet: 'Widget Wire', language: 'en' }],
    });
    await store.append(leaving);
    await store.append(
      amendmentAppend('person:bob-widget', 'corrected', leaving.events[0].eventId, {
        changes: { data: { destination: { fr: 'une jeune pousse' } } },
        reason: 'la destination selon l’édition française',
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
    const ann = (d: Departures) => d.items.filter((i) => i.person === PERSON).map((i) => [i.role, i.fallbacks]);
    expect(ann(await json<Departures>(`/v1/reports/departures?organization=${ORG}&lang=en`))).toEqual([['Head of Widgets', []]]);
    expect(ann(await json<Departures>(`/v1/reports/departures?organization=${ORG}&lang=fr`))).toEqual([['responsable des widgets', []]]);
    const tenures = await json<{ items: Array<{ person: string; role: string }> }>(
      `/v1/reports/leadership?organization=${ORG}&show=tenures&lang=en`,
    );
    expect(tenures.items.filter((t) => t.person === PERSON).map((t) => t.role)).toEqual(['Head of Widgets']);
  });

  it('merges a list of texts given in French alone item by item: the English claims stay (t33)', async () => {
    type Lawsuits = { items: Array<{ claims: string[]; fallbacks: string[] }> };
    const en = await json<Lawsuits>(`/v1/reports/lawsuits?party=${ORG}&lang=en`);
    expect(en.items.map((c) => [c.claims, c.fallbacks])).toEqual([[['breach of contract', 'fraud'], []]]);
    const fr = await json<Lawsuits>(`/v1/reports/lawsuits?party=${ORG}&lang=fr`);
    expect(fr.items.map((c) => c.claims)).toEqual([['rupture de contrat', 'fraude']]);
  });

  it('takes a text given for a destination that names a subject as the new destination, not as English text of the slug (t33)', async () => {
    type Departures = { items: Array<{ person: string; destination: string | null; fallbacks: string[] }> };
    const { items } = await json<Departures>(`/v1/reports/departures?organization=${ORG}&lang=fr`);
    expect(items.filter((d) => d.person === 'person:bob-widget').map((d) => [d.destination, d.fallbacks])).toEqual([
      ['une jeune pousse', ['role']], // its English-only role is the fallback, not the destination
    ]);
    // In English the French text, marked as such: not the slug read as English text (`org:anthropic`).
    const en = await json<Departures>(`/v1/reports/departures?organization=${ORG}&lang=en`);
    expect(en.items.filter((d) => d.person === 'person:bob-widget').map((d) => [d.destination, d.fallbacks])).toEqual([
      ['une jeune pousse', ['destination']],
    ]);
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
