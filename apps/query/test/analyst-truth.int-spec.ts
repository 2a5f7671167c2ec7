import { INestApplication } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { PROJECTION_NAMES, ProjectionRebuilder, sourceIdOf } from '@newsroom/projections';
import { createTestDatabase, pastMillisecondOf, TestDatabase } from '@newsroom/testing';
import { ReportingAgreesWithApi1764902600000 } from '../../../infra/postgres/migrations/1764902600000-reporting-agrees-with-api.migration';
import { amendmentAppend, toAppend } from '../../../tests/fixtures/story.fixture';
import { reportsReader, startReportsApp } from './support/reports-app.harness';

const ORG = 'org:t56-acme';
const RUMOURED = 'person:t56-rumoured-cfo';
const REPORTED = 'person:t56-reported-ceo';
const LATER = 'person:t56-later-cto';
const CASE = 'case:t56-authors-v-acme';
const TITLE = 'Authors Guild v. Acme Corp';
/** An outlet with two stories: one backs a standing fact, the other's only fact was retracted. */
const LONE = 'Lone Wire';
const STANDING_STORY = { outlet: LONE, url: 'https://lone.example/standing', title: 'Acme raises', language: 'en' };
const RETRACTED_STORY = { outlet: LONE, url: 'https://lone.example/retracted', title: 'Acme CFO leaves', language: 'en' };

const source = (outlet: string) => ({
  outlet,
  url: `https://${outlet.toLowerCase().replace(/\W+/g, '-')}.example/${Math.random().toString(36).slice(2)}`,
  title: `${outlet} story`,
  language: 'en',
});

interface Tenure {
  person: string;
  certain?: boolean;
  start: { modality: string } | null;
}

/**
 * What an analyst sees, over HTTP (JSON and CSV) and in the reporting views, on read models rebuilt from a real
 * Postgres log (the fifty-sixth session's testers): a holder appointed on a rumour only is not certain; a disputed
 * figure is disputed in the CSV; reporting.sources lists the stories GET /v1/sources lists; and the views' headlines
 * name a case by its filing's title, as the timeline does.
 */
describe('reports and reporting views say what the API says (real Postgres, HTTP)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let app: INestApplication;
  let base: string;
  let beforeReport = '';

  const { get, json } = reportsReader(() => base);
  const csv = async (path: string) => {
    const res = await get(`${path}&format=csv`);
    expect({ path, status: res.status }).toEqual({ path, status: 200 });
    const [header, ...rows]: string[][] = parse(await res.text(), { record_delimiter: '\r\n' });
    return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
  };

  beforeAll(async () => {
    db = await createTestDatabase('analyst_truth');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    const store = new PgEventStore(db.pool);
    const append = async (e: Parameters<typeof toAppend>[0]) => {
      const [stored] = await store.append(toAppend(e));
      await pastMillisecondOf(stored.recordedAt);
      return stored;
    };
    const appointed = (subject: string, role: string, occurredAt: string, modality: string, sources = [source('Gossip Wire')]) =>
      append({
        type: 'executive.appointed',
        subject,
        occurredAt,
        modality,
        sources,
        data: { organization: ORG, role, roleCategory: 'c-suite' },
      });
    const revenue = (amount: string, outlet: string) =>
      append({
        type: 'revenue.reported',
        subject: ORG,
        occurredAt: '2025-02',
        sources: [outlet === LONE ? STANDING_STORY : source(outlet)],
        data: { money: { amount, currency: 'USD' }, period: '2024', basis: 'actual' },
      });

    // 1. A CFO appointed on a rumour only; a CEO reported; a CTO rumoured, then reported under a later date.
    await appointed(RUMOURED, 'Chief Financial Officer', '2025-01-10', 'rumored');
    await appointed(REPORTED, 'Chief Executive Officer', '2024-03', 'reported', [source('Acme Press')]);
    await appointed(LATER, 'Chief Technology Officer', '2025-02-03', 'rumored');
    beforeReport = new Date().toISOString();
    await pastMillisecondOf(beforeReport);
    await appointed(LATER, 'Chief Technology Officer', '2025-04', 'reported', [source('Acme Press')]);
    // 2. Two outlets disagree on 2024's revenue: a conflict.
    await revenue('3700000000', LONE);
    await revenue('4100000000', 'Other Daily');
    // 3. Lone Wire's other story backs one fact, retracted since.
    const gone = await append({
      type: 'executive.departed',
      subject: REPORTED,
      occurredAt: '2025-03',
      sources: [RETRACTED_STORY],
      data: { organization: ORG, role: 'Chief Executive Officer', roleCategory: 'c-suite', reason: 'resigned' },
    });
    await store.append(amendmentAppend(REPORTED, 'retracted', gone.eventId, { reason: 'She stays.' }));
    // 4. A case, its filing's title, and steps (one rumoured) headlined by the case's name.
    await append({
      type: 'lawsuit.filed',
      subject: CASE,
      occurredAt: '2024-07',
      sources: [source('Court Wire')],
      data: { title: TITLE, plaintiffs: ['org:t56-authors-guild'], defendants: [ORG], claims: ['copyright'] },
    });
    await append({
      type: 'lawsuit.status_changed',
      subject: CASE,
      occurredAt: '2024-09',
      sources: [source('Court Wire')],
      data: { status: 'motion_filed' },
    });
    await append({
      type: 'lawsuit.status_changed',
      subject: CASE,
      occurredAt: '2025-01',
      modality: 'rumored',
      sources: [source('Gossip Wire')],
      data: { status: 'settled', detail: 'out of court' },
    });
    await new ProjectionRebuilder(ds).rebuild({ projections: PROJECTION_NAMES, topic: 'analyst-truth-test', partitions: [0] });
    ({ app, base } = await startReportsApp(ds));
  });

  afterAll(async () => {
    await app?.close();
    await ds?.destroy();
    await db?.drop();
  });

  it('a holder appointed on a rumour only is on the roster not certain, as a rumoured departure leaves one (JSON and CSV); a report makes it certain from its date', async () => {
    const roster = async (params: Record<string, string> = {}) =>
      (
        await json<{ items: Tenure[] }>(`/v1/reports/leadership?${new URLSearchParams({ organization: ORG, ...params }).toString()}`)
      ).items.map((t) => [t.person, t.start?.modality, t.certain]);
    expect(await roster()).toEqual([
      [REPORTED, 'reported', true],
      [RUMOURED, 'rumored', false],
      [LATER, 'rumored', true],
    ]);
    expect(await roster({ asOf: '2025-03-01' })).toEqual([
      [REPORTED, 'reported', true],
      [RUMOURED, 'rumored', false],
      [LATER, 'rumored', false],
    ]);
    expect(await roster({ knownAt: beforeReport })).toEqual([
      [REPORTED, 'reported', true],
      [RUMOURED, 'rumored', false],
      [LATER, 'rumored', false],
    ]);
    const rows = await csv(`/v1/reports/leadership?organization=${ORG}&asOf=2025-03-01`);
    expect(rows.map((r) => [r.person, r.modality, r.certain])).toEqual([
      [REPORTED, 'reported', 'true'],
      [RUMOURED, 'rumored', 'false'],
      [LATER, 'rumored', 'false'],
    ]);
  });

  it('the financials CSV says a figure is disputed (conflicts_with), as the JSON and GET /v1/reports/conflicts do', async () => {
    const conflicts = await json<{ items: Array<{ conflictId: string; kind: string }> }>(`/v1/reports/conflicts?subject=${ORG}`);
    expect(conflicts.items).toHaveLength(1);
    const [{ conflictId }] = conflicts.items;
    const path = `/v1/reports/financials?organization=${ORG}&metric=revenue`;
    const points = await json<{ items: Array<{ amount: string; conflictsWith: string[] }> }>(path);
    expect(points.items.map((p) => [p.amount, p.conflictsWith])).toEqual([
      ['3700000000', [conflictId]],
      ['4100000000', [conflictId]],
    ]);
    expect((await csv(path)).map((r) => [r.amount, r.conflicts_with])).toEqual([
      ['3700000000', conflictId],
      ['4100000000', conflictId],
    ]);
  });

  it("reporting.sources lists the stories GET /v1/sources lists: not one whose only fact was retracted, so an outlet's count agrees", async () => {
    const listed = await json<{ items: Array<{ id: string }> }>(`/v1/sources?outlet=${encodeURIComponent(LONE)}`);
    expect(listed.items.map((s) => s.id)).toEqual([sourceIdOf(STANDING_STORY)]);
    const viewed: Array<{ id: string }> = await ds.query(`SELECT id FROM reporting.sources WHERE outlet = $1 ORDER BY id`, [LONE]);
    expect(viewed.map((s) => s.id)).toEqual([sourceIdOf(STANDING_STORY)]);
    // The registry still knows the story (its page answers 404, as it backs nothing).
    const known: Array<{ id: string }> = await ds.query(`SELECT id FROM read_model.sources WHERE outlet = $1`, [LONE]);
    expect(known.map((s) => s.id).sort()).toEqual([sourceIdOf(STANDING_STORY), sourceIdOf(RETRACTED_STORY)].sort());
    expect((await get(`/v1/sources/${sourceIdOf(RETRACTED_STORY)}`)).status).toBe(404);
    // Every story the API lists is a row of the view, and no other.
    const all = await json<{ items: Array<{ id: string }> }>('/v1/sources?limit=1000');
    const rows: Array<{ id: string }> = await ds.query(`SELECT id FROM reporting.sources`);
    expect(rows.map((s) => s.id).sort()).toEqual(all.items.map((s) => s.id).sort());
  });

  it("the views' headlines name a case's steps by its filing's title, as the timeline does, in English and French", async () => {
    const timeline = async (lang: 'en' | 'fr') =>
      (await json<{ items: Array<{ factId: string; headline: string }> }>(`/v1/reports/timeline?subject=${CASE}&lang=${lang}`)).items;
    const [en, fr] = [await timeline('en'), await timeline('fr')];
    expect(en.map((i) => i.headline).slice(1)).toEqual([`${TITLE}: motion filed`, `Rumor: ${TITLE}: case settled (out of court)`]);
    const api = new Map(en.map((i, n) => [i.factId, [i.headline, fr[n].headline]]));
    const views = {
      timeline: `SELECT fact_id, headline_en, headline_fr FROM reporting.timeline WHERE subject = $1`,
      fact_versions: `SELECT fact_id, headline_en, headline_fr FROM reporting.fact_versions WHERE subject = $1`,
      source_facts: `SELECT fact_id, headline_en, headline_fr FROM reporting.source_facts WHERE subject = $1`,
    };
    for (const [view, sql] of Object.entries(views)) {
      const rows: Array<{ fact_id: string; headline_en: string; headline_fr: string }> = await ds.query(sql, [CASE]);
      expect(rows.length).toBeGreaterThanOrEqual(3);
      for (const r of rows) expect({ view, headlines: [r.headline_en, r.headline_fr] }).toEqual({ view, headlines: api.get(r.fact_id) });
    }
    // As stored (rendered when folded), a step names the case by its slug: the views name it as the API does.
    const steps: Array<{ headline_en: string }> = await ds.query(
      `SELECT headline_en FROM read_model.timeline_facts WHERE subject = $1 AND event_type = 'lawsuit.status_changed' AND is_primary`,
      [CASE],
    );
    expect(steps.length).toBe(2);
    for (const step of steps) expect(step.headline_en).not.toContain(TITLE);
    // Other subjects' headlines are as stored.
    const [cfo]: Array<{ headline_en: string }> = await ds.query(`SELECT headline_en FROM reporting.timeline WHERE subject = $1`, [
      RUMOURED,
    ]);
    const [stored]: Array<{ headline_en: string }> = await ds.query(
      `SELECT headline_en FROM read_model.timeline_facts WHERE subject = $1 AND is_primary AND recorded_to IS NULL`,
      [RUMOURED],
    );
    expect(cfo.headline_en).toBe(stored.headline_en);
  });

  it("the migration keeps each view's columns; down gives the old bodies back (the retracted story listed again), up the new; create_views() (a rebuild) the new", async () => {
    const columns = async () =>
      ds.query<unknown[]>(
        `SELECT table_name, column_name, data_type FROM information_schema.columns
         WHERE table_schema = 'reporting' AND table_name IN ('sources', 'timeline', 'fact_versions', 'source_facts')
         ORDER BY table_name, ordinal_position`,
      );
    const count = async () => Number((await ds.query(`SELECT count(*) AS n FROM reporting.sources WHERE outlet = $1`, [LONE]))[0].n);
    // The case's steps in reporting.timeline headlined by its filing's title.
    const titled = async () =>
      Number(
        (
          await ds.query(
            `SELECT count(*) AS n FROM reporting.timeline WHERE subject = $1 AND event_type = 'lawsuit.status_changed' AND strpos(headline_en, $2) > 0`,
            [CASE, TITLE],
          )
        )[0].n,
      );
    const now = await columns();
    const migration = new ReportingAgreesWithApi1764902600000();
    const runner = ds.createQueryRunner();
    try {
      await migration.down(runner);
      expect(await columns()).toEqual(now);
      expect(await count()).toBe(2);
      expect(await titled()).toBe(0);
      await migration.up(runner);
      expect(await columns()).toEqual(now);
      expect(await count()).toBe(1);
      expect(await titled()).toBe(2);
      await ds.query(`SELECT reporting.drop_views()`);
      await ds.query(`SELECT reporting.create_views()`);
      expect(await count()).toBe(1);
    } finally {
      await runner.release();
    }
  });
});
