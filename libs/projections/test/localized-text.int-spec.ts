import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { PROJECTION_NAMES, ProjectionRebuilder } from '@newsroom/projections';
import { createTestDatabase, TestDatabase } from '@newsroom/testing';
import { applyLog, readModelSnapshot } from './support/log-replay.util';
import { amendmentAppend, seedEnvelopes, storyAppends, toAppend } from '../../../tests/fixtures/story.fixture';

const MURATI = '0193b7f0-0000-7000-8000-000000000001';
const SORA_LEAD = '0193b7f0-0000-7000-8000-000000000003';

/**
 * Free text per language on real Postgres: the seed story (roles, features, models, the request, from/to in
 * English and French), a departure in English only and a correction that adds its French role. The text columns
 * keep the English text, the `*_i18n` columns the text per language, the reporting views show both, and a rebuild
 * from the event store gives the same tables as the incremental fold.
 */
describe('read models: text per language, incremental equals rebuild (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PgEventStore;
  const englishOnly = {
    id: '6d1c3b0e-8a52-4d0c-9f59-0b8f0a3e7c01',
    type: 'executive.departed',
    subject: 'person:english-only',
    occurredAt: '2024-10',
    data: { organization: 'org:openai', role: 'Head of Go-To-Market', roleCategory: 'commercial', destination: 'org:anthropic' },
    sources: [{ outlet: 'Example Daily', language: 'en' }],
  };

  beforeAll(async () => {
    db = await createTestDatabase('localized_text');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    store = new PgEventStore(db.pool);
    await store.appendMany(storyAppends(seedEnvelopes()));
    await store.append(toAppend(englishOnly));
    await store.append(
      amendmentAppend(englishOnly.subject, 'corrected', englishOnly.id, {
        // The French alone, onto the plain (English) string: the English stays beside it.
        changes: { data: { role: { fr: 'responsable de la mise sur le marché' } } },
        reason: 'The French role from the French edition',
      }),
    );
    await applyLog(store, ds, { pageSize: 100, batched: false });
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('keeps the English text in the text columns and the text per language beside it', async () => {
    const [murati] = await ds.query(`SELECT role, role_i18n, destination_i18n FROM read_model.departures WHERE fact_id = $1`, [MURATI]);
    expect(murati).toEqual({
      role: 'Chief Technology Officer',
      role_i18n: { en: 'Chief Technology Officer', fr: 'directrice technique' },
      destination_i18n: null,
    });
    const [product] = await ds.query(`SELECT features, features_i18n FROM read_model.products WHERE recorded_to IS NULL`);
    expect(product.features).toEqual(['real-time search', 'advanced voice', 'maps integration']);
    expect(product.features_i18n.map((f: { fr: string }) => f.fr)).toEqual([
      'recherche en temps réel',
      'voix avancée',
      'intégration de cartes',
    ]);
    const [request] = await ds.query(`SELECT request, request_i18n FROM read_model.regulatory_interventions`);
    expect(request.request).toMatch(/^Prevent OpenAI/);
    expect(request.request_i18n.fr).toBe("empêcher cette transformation, estimant qu'elle créerait un dangereux précédent");
    const names = await ds.query(
      `SELECT subject, display_names FROM reporting.entities WHERE subject IN ('authority:california-attorney-general', 'person:mira-murati') ORDER BY subject`,
    );
    expect(names).toEqual([
      {
        subject: 'authority:california-attorney-general',
        display_names: { en: 'California Attorney General', fr: 'procureur général de Californie' },
      },
      { subject: 'person:mira-murati', display_names: { en: 'Mira Murati', fr: 'Mira Murati' } },
    ]);
  });

  it('follows a correction that adds the French text: the standing version has it, the earlier one had English only', async () => {
    const versions = await ds.query(
      `SELECT version, role, role_i18n, destination, destination_i18n FROM read_model.leadership_events WHERE fact_id = $1 ORDER BY version`,
      [englishOnly.id],
    );
    expect(versions).toEqual([
      {
        version: 1,
        role: 'Head of Go-To-Market',
        role_i18n: { en: 'Head of Go-To-Market' },
        destination: 'org:anthropic',
        destination_i18n: null,
      },
      {
        version: 2,
        role: 'Head of Go-To-Market',
        role_i18n: { en: 'Head of Go-To-Market', fr: 'responsable de la mise sur le marché' },
        destination: 'org:anthropic',
        destination_i18n: null,
      },
    ]);
  });

  it('shows the text per language in the reporting views, after their existing columns', async () => {
    const [row] = await ds.query(`SELECT role, role_i18n FROM reporting.departures WHERE fact_id = $1`, [SORA_LEAD]);
    expect(row).toEqual({
      role: 'Sora video model lead',
      role_i18n: { en: 'Sora video model lead', fr: 'responsable du modèle de génération vidéo Sora' },
    });
    const columns = async (view: string) =>
      (
        await ds.query(
          `SELECT column_name FROM information_schema.columns WHERE table_schema = 'reporting' AND table_name = $1 ORDER BY ordinal_position`,
          [view],
        )
      ).map((c: { column_name: string }) => c.column_name);
    // After the 17 columns the view began with (recorded_at last); columns added later come after them.
    const leadership = await columns('leadership_events');
    expect(leadership.slice(16, 20)).toEqual(['recorded_at', 'inferred', 'role_i18n', 'destination_i18n']);
    expect((await columns('products')).slice(-2)).toEqual(['inferred', 'features_i18n']);
    // detail_i18n after inferred; the rumours' judgement (migration 1764902700000) after it.
    const steps = await columns('lawsuit_steps');
    expect(steps.slice(steps.indexOf('inferred'), steps.indexOf('inferred') + 2)).toEqual(['inferred', 'detail_i18n']);
  });

  it('a rebuild from the event store gives the same tables as the incremental fold', async () => {
    const incremental = await readModelSnapshot(ds);
    await new ProjectionRebuilder(ds).rebuild({
      projections: PROJECTION_NAMES,
      topic: 'localized-text-test',
      partitions: [0],
      concurrency: 2,
      batchSize: 5,
    });
    expect(await readModelSnapshot(ds)).toEqual(incremental);
    const [after] = await ds.query(`SELECT role_i18n FROM reporting.leadership_events WHERE fact_id = $1`, [MURATI]);
    expect(after.role_i18n).toEqual({ en: 'Chief Technology Officer', fr: 'directrice technique' });
  });
});
