import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { PROJECTION_NAMES, ProjectionRebuilder, sourceIdOf } from '@newsroom/projections';
import { createTestDatabase, pastMillisecondOf, reportingColumns, TestDatabase, withMigrationUndone } from '@newsroom/testing';
import { ReportingOtherNames1764902750000 } from '../../../infra/postgres/migrations/1764902750000-reporting-other-names.migration';
import { amendmentAppend, toAppend } from '../../../tests/fixtures/story.fixture';
import { reportsReader, startReportsApp } from './support/reports-app.harness';

const NBSP = '\u00a0';
const ORG = 'org:t56r-acme';
const RIVAL = 'org:t56r-rival';
const PRODUCT = 'product:t56r-pro';
const UNNAMED = 'product:t56r-unannounced';
const CASE = 'case:t56r-doe';
const SOURCE = { outlet: 'Other Names BI Wire', language: 'en', url: 'https://example.com/t56r/bi' };
const sources = [SOURCE];

interface Item {
  factId: string;
  headline: string;
}
interface Row {
  fact_id: string;
  headline_en: string;
  headline_fr: string;
}

/**
 * Names from the facts in another event's data, in the BI views (the fifty-sixth testers' limit): reporting.timeline,
 * fact_versions and source_facts headline a product or case named beside a fact's subject (who asks for an
 * intervention, a departure's destination, a round's lead investor) by its announced name or filed title as the API
 * names it now, in English and French, on read models the real projectors rebuilt from a real Postgres log.
 */
describe("reporting views: a product or case named in another fact's data, by its facts' name (real Postgres, HTTP)", () => {
  let db: TestDatabase;
  let ds: DataSource;
  let app: INestApplication;
  let base: string;
  const ids = {
    announced: randomUUID(),
    filed: randomUUID(),
    asked: randomUUID(),
    askedByOrg: randomUUID(),
    departed: randomUUID(),
    toUnnamed: randomUUID(),
    toPlain: randomUUID(),
    round: randomUUID(),
  };
  const { json } = reportsReader(() => base);

  beforeAll(async () => {
    db = await createTestDatabase('reporting_other_names');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    const store = new PgEventStore(db.pool);
    const append = async (e: Parameters<typeof toAppend>[0]) => {
      const [stored] = await store.append(toAppend({ sources, ...e }));
      await pastMillisecondOf(stored.recordedAt);
    };
    const announced = { organization: ORG, name: 'Widget Pro X', features: [], status: 'announced' };
    await append({ id: ids.announced, type: 'product.announced', subject: PRODUCT, occurredAt: '2025-01', data: announced });
    const filing = {
      title: { en: 'Doe v. Acme Corp', fr: 'Doe contre Acme' },
      plaintiffs: ['person:t56r-doe'],
      defendants: [ORG],
      claims: ['x'],
    };
    await append({ id: ids.filed, type: 'lawsuit.filed', subject: CASE, occurredAt: '2025-02', data: filing });
    const asking = (by: string) => ({ by, authority: 'authority:ftc', request: 'stop' });
    await append({
      id: ids.asked,
      type: 'regulatory.intervention_requested',
      subject: RIVAL,
      occurredAt: '2025-03',
      modality: 'rumored',
      data: asking(PRODUCT),
    });
    await append({
      id: ids.askedByOrg,
      type: 'regulatory.intervention_requested',
      subject: RIVAL,
      occurredAt: '2025-04',
      data: asking(ORG),
    });
    const leaving = (destination: string) => ({
      organization: ORG,
      role: 'Chief Technology Officer',
      roleCategory: 'c-suite',
      destination,
    });
    await append({
      id: ids.departed,
      type: 'executive.departed',
      subject: 'person:t56r-cto',
      occurredAt: '2025-05',
      data: leaving(PRODUCT),
    });
    await append({
      id: ids.toUnnamed,
      type: 'executive.departed',
      subject: 'person:t56r-cfo',
      occurredAt: '2025-05',
      data: leaving(UNNAMED),
    });
    await append({
      id: ids.toPlain,
      type: 'executive.departed',
      subject: 'person:t56r-coo',
      occurredAt: '2025-05',
      data: leaving('Example Labs'),
    });
    const round = { money: { amount: '1000000', currency: 'USD' }, leadInvestor: CASE };
    await append({ id: ids.round, type: 'funding.round_closed', subject: ORG, occurredAt: '2025-06', data: round });
    // The request corrected (two versions in fact_versions), then the product renamed: every version reads the name now.
    const fix = { changes: { data: { request: 'halt' } }, reason: 'the request was to halt' };
    await store.append(amendmentAppend(RIVAL, 'corrected', ids.asked, fix));
    const rename = { changes: { data: { name: 'Widget Pro Max' } }, reason: 'renamed at launch' };
    await store.append(amendmentAppend(PRODUCT, 'corrected', ids.announced, rename));
    await new ProjectionRebuilder(ds).rebuild({ projections: PROJECTION_NAMES, topic: 'reporting-other-names-test', partitions: [0] });
    ({ app, base } = await startReportsApp(ds));
  });
  afterAll(async () => {
    await app?.close();
    await ds?.destroy();
    await db?.drop();
  });

  /** The API's headlines by fact id: [English, French]. */
  const apiHeadlines = async (path: string) => {
    const sep = path.includes('?') ? '&' : '?';
    const [en, fr] = [await json<{ items: Item[] }>(`${path}${sep}lang=en`), await json<{ items: Item[] }>(`${path}${sep}lang=fr`)];
    const frOf = new Map(fr.items.map((i) => [i.factId, i.headline]));
    return new Map(en.items.map((i) => [i.factId, [i.headline, frOf.get(i.factId)]]));
  };
  const timelineRows = async (): Promise<Map<string, string[]>> => {
    const rows: Row[] = await ds.query(`SELECT fact_id, headline_en, headline_fr FROM reporting.timeline`);
    return new Map(rows.map((r) => [r.fact_id, [r.headline_en, r.headline_fr]]));
  };

  it('reporting.timeline headlines the product or case beside the subject by the name its facts give it now, in English and French', async () => {
    const rows = await timelineRows();
    expect(rows.get(ids.asked)).toEqual([
      'Rumor: Widget Pro Max asks the FTC to intervene against T56r Rival',
      `Rumeur${NBSP}: Widget Pro Max demande à la FTC d'intervenir contre T56r Rival`,
    ]);
    expect(rows.get(ids.departed)?.[0]).toBe('T56r CTO leaves T56r Acme as Chief Technology Officer to join Widget Pro Max');
    expect(rows.get(ids.departed)?.[1]).toMatch(/ pour rejoindre Widget Pro Max$/);
    expect(rows.get(ids.round)?.[0]).toMatch(/, led by Doe v\. Acme Corp$/);
    expect(rows.get(ids.round)?.[1]).toMatch(/, tour mené par Doe contre Acme$/);
    // Named by nothing but their slugs (an organization, a product never announced, a plain name): as stored.
    expect(rows.get(ids.askedByOrg)?.[0]).toBe('T56r Acme asks the FTC to intervene against T56r Rival');
    expect(rows.get(ids.toUnnamed)?.[0]).toMatch(/ to join T56r Unannounced$/);
    expect(rows.get(ids.toPlain)?.[0]).toMatch(/ to join Example Labs$/);
  });

  it('every row of reporting.timeline says what GET /v1/reports/timeline says', async () => {
    const api = await apiHeadlines('/v1/reports/timeline?limit=100');
    const rows = await timelineRows();
    expect(rows.size).toBe(api.size);
    for (const [factId, headlines] of rows) expect({ factId, headlines }).toEqual({ factId, headlines: api.get(factId) });
  });

  it("reporting.fact_versions names them so in every version, and reporting.source_facts as the source's page does", async () => {
    const versions: Array<Row & { version: number }> = await ds.query(
      `SELECT fact_id, version, headline_en, headline_fr FROM reporting.fact_versions WHERE fact_id = $1 ORDER BY version`,
      [ids.asked],
    );
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    for (const v of versions) expect(v.headline_en).toBe('Rumor: Widget Pro Max asks the FTC to intervene against T56r Rival');
    const page = await apiHeadlines(`/v1/sources/${sourceIdOf(SOURCE)}`);
    const linked: Row[] = await ds.query(`SELECT fact_id, headline_en, headline_fr FROM reporting.source_facts WHERE source_id = $1`, [
      sourceIdOf(SOURCE),
    ]);
    expect(linked.map((r) => r.fact_id).sort()).toEqual([...page.keys()].sort());
    for (const r of linked) expect({ id: r.fact_id, h: [r.headline_en, r.headline_fr] }).toEqual({ id: r.fact_id, h: page.get(r.fact_id) });
    expect(linked.find((r) => r.fact_id === ids.round)?.headline_en).toMatch(/, led by Doe v\. Acme Corp$/);
  });

  it("the migration keeps the views' columns; down gives the slugs' names back, up the facts' names; create_views() (a rebuild) the facts'", async () => {
    const views = ['timeline', 'fact_versions', 'source_facts'];
    const columns = async () => Promise.all(views.map((v) => reportingColumns(ds, v)));
    const now = await columns();
    await withMigrationUndone(ds, new ReportingOtherNames1764902750000(), async () => {
      expect(await columns()).toEqual(now);
      const rows = await timelineRows();
      expect(rows.get(ids.asked)?.[0]).toBe('Rumor: T56r Pro asks the FTC to intervene against T56r Rival');
      expect(rows.get(ids.round)?.[0]).toMatch(/, led by T56r Doe$/);
    });
    expect(await columns()).toEqual(now);
    expect((await timelineRows()).get(ids.asked)?.[0]).toBe('Rumor: Widget Pro Max asks the FTC to intervene against T56r Rival');
    await ds.query(`SELECT reporting.drop_views()`);
    await ds.query(`SELECT reporting.create_views()`);
    expect((await timelineRows()).get(ids.round)?.[0]).toMatch(/, led by Doe v\. Acme Corp$/);
  });
});
