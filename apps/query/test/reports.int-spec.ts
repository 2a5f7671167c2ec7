import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { PROJECTION_NAMES, ProjectionRebuilder, sourceIdOf } from '@newsroom/projections';
import { createTestDatabase, pastMillisecondOf, TestDatabase } from '@newsroom/testing';
import { amendmentAppend, laterCorrections, laterEnvelopes, seedEnvelopes, storyAppends } from '../../../tests/fixtures/story.fixture';
import { EntitiesRepository } from '../src/entities/entities.repository';
import { SourcesRepository } from '../src/sources/sources.repository';
import { DeparturesRepository } from '../src/reports/departures/departures.repository';
import { FinancialsRepository } from '../src/reports/financials/financials.repository';
import { LawsuitsRepository } from '../src/reports/lawsuits/lawsuits.repository';
import { LeadershipRepository } from '../src/reports/leadership/leadership.repository';
import { EntityLinksRepository } from '../src/reports/shared/entity-links.repository';
import { EntityNamesRepository } from '../src/reports/shared/entity-names.repository';
import { TimelineRepository } from '../src/reports/timeline/timeline.repository';

const WEIL_APPOINTED = '0193b7f0-0000-7000-8000-000000000004';
const CUMULATIVE_LOSS = '0193b7f0-0000-7000-8000-000000000008';
const page = { asOf: null, knownAt: null, modality: null, limit: 100, cursor: null };
const justBefore = (iso: string) => new Date(Date.parse(iso) - 1).toISOString();

describe('reports over the seed story and later events (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PgEventStore;
  const at: Record<string, string> = {};

  beforeAll(async () => {
    db = await createTestDatabase('reports');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    store = new PgEventStore(db.pool);
    // Each step in later milliseconds than the one before: the cases ask just before some of them.
    const seed = await store.appendMany(storyAppends(seedEnvelopes()));
    await pastMillisecondOf(seed.at(-1)!.recordedAt);
    const later = await store.appendMany(storyAppends(laterEnvelopes()));
    await pastMillisecondOf(later.at(-1)!.recordedAt);
    const [fix] = laterCorrections();
    const [corrected] = await store.append(amendmentAppend('org:openai', 'corrected', fix.targetEventId, fix, fix.id));
    await pastMillisecondOf(corrected.recordedAt);
    const [retracted] = await store.append(
      amendmentAppend('person:kevin-weil', 'retracted', WEIL_APPOINTED, { reason: 'Not an appointment: he held the role already.' }),
    );
    Object.assign(at, {
      seed: seed[0].recordedAt,
      later: later[0].recordedAt,
      corrected: corrected.recordedAt,
      retracted: retracted.recordedAt,
    });
    await new ProjectionRebuilder(ds).rebuild({ projections: PROJECTION_NAMES, topic: 'reports-test', partitions: [0] });
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('leadership: as of a date between a departure and the successor, the role is vacant; the departure without appointment has an unknown start', async () => {
    const repo = new LeadershipRepository(ds, new EntityLinksRepository(ds));
    const roster = async (asOf: string, knownAt: string | null = null) =>
      (await repo.report({ organization: 'org:openai', asOf, knownAt, modality: null })).items
        .map((t) => `${t.personName}: ${t.role}${t.certain ? '' : ' (uncertain)'}`)
        .sort();
    expect(await roster('2024-12-01T00:00:00.000Z')).toEqual([
      'Unnamed AGI Readiness Head: Head of AGI Readiness (uncertain)',
      'Unnamed Sora Lead: Sora video model lead (uncertain)',
    ]);
    expect(await roster('2025-04-01T00:00:00.000Z')).toEqual(['Mark Chen: Chief Research Officer']);
    expect(await roster('2024-12-01T00:00:00.000Z', at.corrected)).toContain('Kevin Weil: Chief Product Officer');
    const report = await repo.report({ organization: 'org:openai', show: 'tenures', asOf: null, knownAt: null, modality: null });
    const mcgrew = report.items.find((t) => t.person === 'person:bob-mcgrew')!;
    expect(mcgrew.start).toBeNull();
    expect(mcgrew.end).toMatchObject({ occurredAt: '2024-09-25', modality: 'confirmed' });
    expect(mcgrew.end!.sources[0]).toMatchObject({ outlet: 'Fixture Wire', quote: expect.stringMatching(/McGrew/) });
  });

  it('departures grouped by quarter, with coarse dates left unplaced', async () => {
    const report = await new DeparturesRepository(ds, new EntityLinksRepository(ds)).report({
      ...page,
      organization: 'org:openai',
      from: null,
      to: null,
      groupBy: 'quarter',
    });
    if (!('groups' in report)) throw new Error('expected groups');
    expect(report.groups.map((g) => [g.key, g.items.map((i) => i.personName).sort()])).toEqual([
      ['2024-Q2', ['Ilya Sutskever', 'Jan Leike']],
      ['2024-Q3', ['Bob Mcgrew', 'John Schulman', 'Mira Murati']], // displayNameOf title-cases slugs
    ]);
    expect(report.unplaced.items.map((i) => i.personName).sort()).toEqual(['Unnamed AGI Readiness Head', 'Unnamed Sora Lead']);
    const inQ2 = await new DeparturesRepository(ds, new EntityLinksRepository(ds)).report({
      ...page,
      organization: null,
      from: '2024-04-01T00:00:00.000Z',
      to: '2024-07-01T00:00:00.000Z',
      groupBy: null,
      limit: 1,
    });
    if (!('items' in inQ2)) throw new Error('expected a page');
    expect(inQ2.items).toHaveLength(1);
    const rest = await new DeparturesRepository(ds, new EntityLinksRepository(ds)).report({
      ...page,
      organization: null,
      from: '2024-04-01T00:00:00.000Z',
      to: '2024-07-01T00:00:00.000Z',
      groupBy: null,
      cursor: inQ2.next,
    });
    if (!('items' in rest)) throw new Error('expected a page');
    // Brundage and Brooks (2023-12/2024-12) overlap Q2 too.
    expect([...inQ2.items, ...rest.items].map((i) => i.personName).sort()).toEqual([
      'Ilya Sutskever',
      'Jan Leike',
      'Unnamed AGI Readiness Head',
      'Unnamed Sora Lead',
    ]);
    expect(rest.next).toBeNull();
  });

  it('departures grouped: more than the cap refuses with 400 naming groupBy, instead of counting a part as the whole', async () => {
    const repo = new DeparturesRepository(ds, new EntityLinksRepository(ds));
    const query = { ...page, organization: 'org:openai', from: null, to: null, groupBy: 'quarter' as const };
    const all = await repo.report(query);
    const total = 'groups' in all ? all.groups.reduce((n, g) => n + g.reports, 0) + all.unplaced.reports : 0;
    expect(total).toBeGreaterThan(2);
    repo.groupCap = total;
    await expect(repo.report(query)).resolves.toBeDefined();
    repo.groupCap = total - 1;
    await expect(repo.report(query)).rejects.toMatchObject({
      status: 400,
      errors: [{ path: 'groupBy', message: expect.stringMatching(/more than \d+ departures match/) }],
    });
  });

  it('lawsuits: a suit filed, withdrawn, then refiled is two cases, each with its own status', async () => {
    const repo = new LawsuitsRepository(ds, new EntityLinksRepository(ds), new EntityNamesRepository(ds));
    const all = await repo.report({ ...page, party: 'person:elon-musk', status: null });
    expect(all.items.map((c) => [c.case, c.status, c.history.map((s) => s.status)])).toEqual([
      ['case:musk-v-altman', 'filed', ['filed']],
      ['case:musk-v-openai', 'filed', ['filed']],
      ['case:musk-v-openai-state-court', 'withdrawn', ['filed', 'withdrawn']],
    ]);
    const withdrawn = await repo.report({ ...page, party: null, status: ['withdrawn'] });
    expect(withdrawn.items.map((c) => c.case)).toEqual(['case:musk-v-openai-state-court']);
    const asOfMay = await repo.report({ ...page, party: 'person:sam-altman', status: null, asOf: '2024-05-01T00:00:00.000Z' });
    expect(asOfMay.items.map((c) => [c.case, c.status])).toEqual([['case:musk-v-openai-state-court', 'filed']]);
  });

  it('financials: a figure corrected later shows the old value known before the correction and the new one after, with its history', async () => {
    const repo = new FinancialsRepository(ds, new EntityLinksRepository(ds));
    const loss = (knownAt: string | null) =>
      repo.report({
        ...page,
        knownAt,
        organization: 'org:openai',
        metric: ['loss'],
        basis: ['cumulative_projected'],
        from: null,
        to: null,
      });
    const before = await loss(justBefore(at.corrected));
    expect(before.items.map((p) => [p.amount, p.status, p.history.length])).toEqual([['440000000000', 'current', 0]]);
    const after = await loss(at.corrected);
    expect(after.items.map((p) => [p.amount, p.currency, p.period, p.status])).toEqual([['44000000000', 'USD', '2025/2029', 'corrected']]);
    expect(after.items[0].history).toEqual([
      expect.objectContaining({
        version: 1,
        data: expect.objectContaining({ money: { amount: '440000000000', currency: 'USD' } }),
        supersededBy: 'corrected',
      }),
    ]);
    expect(after.items[0].sources.map((s: { outlet: string }) => s.outlet)).toEqual([
      'Unidentified French-language outlet',
      'Fixture Wire',
    ]);
    const headcount = await repo.report({ ...page, organization: 'org:openai', metric: ['headcount'], basis: null, from: null, to: null });
    expect(headcount.items.map((p: { basis: string; count: number | null }) => [p.basis, p.count])).toEqual([
      ['commercial', 300],
      ['total', 1600],
    ]);
    const funding = await repo.report({
      ...page,
      organization: 'org:openai',
      metric: ['funding', 'valuation'],
      basis: null,
      from: null,
      to: null,
    });
    expect(funding.items.map((p) => [p.metric, p.amount])).toEqual([
      ['funding', '6600000000'],
      ['valuation', '157000000000'],
    ]);
  });

  it('inferred: every report item shows the fields the seed story does not state, and so do the reporting views', async () => {
    const paths = (list: Array<{ path: string }>) => list.map((i) => i.path);
    const loss = await new FinancialsRepository(ds, new EntityLinksRepository(ds)).report({
      ...page,
      organization: 'org:openai',
      metric: ['loss'],
      basis: null,
      from: null,
      to: null,
    });
    // The corrected cumulative loss keeps what its first version marked: the correction changed the amount only.
    expect(loss.items.map((p) => [p.basis, paths(p.inferred)])).toEqual([
      ['actual', []],
      ['cumulative_projected', ['occurredAt', 'data.period']],
    ]);
    const departures = await new DeparturesRepository(ds, new EntityLinksRepository(ds)).report({
      ...page,
      organization: 'org:openai',
      from: null,
      to: null,
      groupBy: null,
    });
    if (!('items' in departures)) throw new Error('expected items');
    const agi = departures.items.find((d) => d.person === 'person:unnamed-agi-readiness-head')!;
    expect(agi.inferred).toEqual([expect.objectContaining({ path: 'occurredAt', note: expect.stringMatching(/année écoulée/) })]);
    const roster = await new LeadershipRepository(ds, new EntityLinksRepository(ds)).report({
      organization: 'org:openai',
      show: 'tenures',
      asOf: null,
      knownAt: null,
      modality: null,
    });
    expect(paths(roster.items.find((t) => t.person === 'person:mira-murati')!.end!.inferred)).toEqual(['occurredAt']);
    const weil = await new LeadershipRepository(ds, new EntityLinksRepository(ds)).report({
      organization: 'org:openai',
      show: 'tenures',
      asOf: null,
      knownAt: at.corrected,
      modality: null,
    });
    expect(paths(weil.items.find((t) => t.person === 'person:kevin-weil')!.start!.inferred)).toEqual(['occurredAt', 'data.role.en']);
    const cases = await new LawsuitsRepository(ds, new EntityLinksRepository(ds), new EntityNamesRepository(ds)).report({
      ...page,
      party: 'person:elon-musk',
      status: null,
    });
    expect(paths(cases.items.find((c) => c.case === 'case:musk-v-openai')!.filed.inferred)).toEqual(['occurredAt']);
    const chatgpt = await new TimelineRepository(ds, new EntityLinksRepository(ds), new EntityNamesRepository(ds)).page({
      ...page,
      subject: 'product:chatgpt',
      from: null,
      to: null,
      types: null,
      lang: 'en',
    });
    expect(chatgpt.items.map((i) => paths(i.inferred))).toEqual([['occurredAt', 'data.status']]);
    const story = await new SourcesRepository(ds, new EntityNamesRepository(ds)).find(sourceIdOf(seedEnvelopes()[0].sources[0]), {
      ...page,
      lang: 'en',
    });
    expect(story!.items.filter((i) => i.inferred.length).length).toBe(11);
    const [view] = await ds.query(`SELECT inferred FROM reporting.financial_points WHERE fact_id = $1`, [CUMULATIVE_LOSS]);
    expect(paths(view.inferred)).toEqual(['occurredAt', 'data.period']);
    const [plain] = await ds.query(`SELECT count(*)::int AS n FROM reporting.timeline WHERE inferred = '[]'::jsonb`);
    expect(plain.n).toBeGreaterThan(0);
  });

  it('a retracted fact leaves every report but is still known before its retraction', async () => {
    const timeline = new TimelineRepository(ds, new EntityLinksRepository(ds), new EntityNamesRepository(ds));
    const weil = { ...page, subject: 'person:kevin-weil', from: null, to: null, types: null, lang: 'en' as const };
    expect((await timeline.page(weil)).items).toEqual([]);
    expect((await timeline.page({ ...weil, knownAt: at.corrected })).items.map((i) => i.factId)).toEqual([WEIL_APPOINTED]);
    const entities = new EntitiesRepository(ds, timeline, new EntityLinksRepository(ds), new EntityNamesRepository(ds));
    expect(await entities.find(weil)).toBeNull();
    expect((await entities.find({ ...weil, knownAt: at.corrected }))?.displayName).toBe('Kevin Weil');
    const sources = new SourcesRepository(ds, new EntityNamesRepository(ds));
    const seedId = sourceIdOf(seedEnvelopes()[0].sources[0]);
    const story = await sources.find(seedId, { ...page, lang: 'fr' });
    expect(story!.items.map((i) => i.factId)).not.toContain(WEIL_APPOINTED);
    expect(story!.items).toHaveLength(12);
    expect(story!.items[0].quote).toMatch(/Mira Murati/);
    const story13 = await sources.find(seedId, { ...page, knownAt: at.corrected, lang: 'en' });
    expect(story13!.items).toHaveLength(13);
    const list = await sources.list({ ...page, outlet: null });
    expect(list.items.map((s) => s.outlet)).toEqual(['Unidentified French-language outlet', 'Fixture Wire']);
    expect((await sources.list({ ...page, outlet: null, knownAt: justBefore(at.later) })).items.map((s) => s.outlet)).toEqual([
      'Unidentified French-language outlet',
    ]);
  });

  it('the timeline of a subject lists every fact naming it, in valid-time order, with French headlines on request', async () => {
    const items = (
      await new TimelineRepository(ds, new EntityLinksRepository(ds), new EntityNamesRepository(ds)).page({
        ...page,
        subject: 'person:elon-musk',
        from: null,
        to: null,
        types: null,
        lang: 'fr',
      })
    ).items;
    // A case's step names only its case; a party's timeline has it too, with the party's role in the case.
    expect(items.map((i) => [i.subject, i.type, i.role])).toEqual([
      ['case:musk-v-openai', 'lawsuit.filed', 'plaintiff'],
      ['case:musk-v-openai-state-court', 'lawsuit.filed', 'plaintiff'],
      ['case:musk-v-openai-state-court', 'lawsuit.status_changed', 'plaintiff'],
      ['case:musk-v-altman', 'lawsuit.filed', 'plaintiff'],
    ]);
    expect(items[0].headline).toMatch(/Musk/);
  });

  it('the reporting views answer the same questions in SQL', async () => {
    const quarters = await ds.query(`SELECT quarter, count(*)::int AS n FROM reporting.departures GROUP BY quarter ORDER BY quarter`);
    // As groupBy=quarter: the two departures dated 2023-12/2024-12 are in no quarter (the API's unplaced).
    expect(quarters).toEqual([
      { quarter: '2024-Q2', n: 2 },
      { quarter: '2024-Q3', n: 3 },
      { quarter: null, n: 2 },
    ]);
    const [loss] = await ds.query(`SELECT amount::text, fact_status FROM reporting.financial_points WHERE fact_id = $1`, [CUMULATIVE_LOSS]);
    expect(loss).toEqual({ amount: '44000000000', fact_status: 'corrected' });
    const known = await ds.query(
      `SELECT amount::text FROM reporting.financial_point_versions WHERE fact_id = $1 AND recorded_from <= $2 AND (recorded_to IS NULL OR recorded_to > $2)`,
      [CUMULATIVE_LOSS, justBefore(at.corrected)],
    );
    expect(known).toEqual([{ amount: '440000000000' }]);
    const cases = await ds.query(`SELECT case_subject, current_status FROM reporting.lawsuits ORDER BY case_subject`);
    expect(cases.map((c: { current_status: string }) => c.current_status)).toEqual(['filed', 'filed', 'withdrawn']);
    expect(await ds.query(`SELECT 1 FROM reporting.leadership_events WHERE person = 'person:kevin-weil'`)).toEqual([]);
  });
});
