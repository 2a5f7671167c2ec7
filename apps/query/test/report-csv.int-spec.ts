import { INestApplication } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { PROJECTION_NAMES, ProjectionRebuilder, sourceIdOf } from '@newsroom/projections';
import { createTestDatabase, pastMillisecondOf, TestDatabase } from '@newsroom/testing';
import { toAppend } from '../../../tests/fixtures/story.fixture';
import { startReportsApp } from './support/reports-app.harness';

const SOURCE = { outlet: 'CSV Wire', url: 'https://csv.example/1', title: 'People leave', language: 'en' };
/** Another outlet, on a step of the case only: the case row's sources are its filing's. */
const STEP_SOURCE = { outlet: 'CSV Daily', url: 'https://csv-daily.example/motion', title: 'Acme moves to dismiss', language: 'en' };
const ORG = 'org:csv-acme';
const ALIAS = 'org:csv-acme-inc';

/** The headers each CSV had before the columns added at the end: a sheet reading them by place reads them as before. */
const SOURCING = ['outlets', 'confirms', 'denies', 'inferred'];
const BEFORE = {
  departures: [
    'person',
    'person_name',
    'organization',
    'role',
    'role_category',
    'reason',
    'destination',
    'occurred_at',
    'modality',
    'status',
    'recorded_at',
    'sources',
    'fact_id',
    ...SOURCING,
  ],
  financials: [
    'metric',
    'basis',
    'period',
    'period_start',
    'amount',
    'currency',
    'count',
    'occurred_at',
    'modality',
    'status',
    'recorded_at',
    'sources',
    'fact_id',
    ...SOURCING,
  ],
  lawsuits: [
    'case',
    'case_name',
    'title',
    'status',
    'filed_at',
    'plaintiffs',
    'defendants',
    'court',
    'steps',
    'modality',
    'sources',
    ...SOURCING,
  ],
  timeline: ['occurred_at', 'type', 'subject', 'role', 'headline', 'modality', 'status', 'recorded_at', 'sources', 'fact_id', ...SOURCING],
  conflicts: [
    'conflict_id',
    'kind',
    'subject',
    'fields',
    'status',
    'a_event_id',
    'a_value',
    'a_sources',
    'b_event_id',
    'b_value',
    'b_sources',
    'opened_at',
    'closed_at',
    'resolved_by',
    'standing_event_id',
    'reason',
    'key',
  ],
  sources: ['id', 'outlet', 'title', 'url', 'language', 'published_at', 'first_recorded_at'],
  source: ['occurred_at', 'type', 'subject', 'headline', 'stance', 'quote', 'modality', 'status', 'recorded_at', 'fact_id', ...SOURCING],
};

/** A CSV answer as a user's sheet reads it: the header, and each row as {header: cell}. */
const sheet = (text: string) => {
  const records: string[][] = parse(text, { record_delimiter: '\r\n' });
  const [header, ...rows] = records;
  return { header, rows: rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]]))) };
};
const cell = (values: string[]) => values.join('; ');

interface Departure {
  validFrom: string | null;
  validTo: string | null;
  person: string;
  canonicalPerson: string;
  canonicalPersonName: string;
  role: string;
  factId: string;
  fallbacks: string[];
}
interface Groups {
  groups: Array<{ key: string; count: number; reports: number; items: Departure[] }>;
  unplaced: { count: number; reports: number; items: Departure[] };
}

/**
 * What a user sees of the reports over HTTP, JSON and CSV alike (the controllers and repositories in a Nest app, on
 * read models rebuilt from a real Postgres log): a departure counted once however its role's case and spacing are
 * written, as the conflicts fold it; and each CSV carrying what its JSON says a user needs to tell rows apart
 * (merged subjects, a group's counts), its earlier columns where they were.
 */
describe('reports as a user sees them: departures counted by folded role, CSV columns against JSON (real Postgres, HTTP)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let app: INestApplication;
  let base: string;
  let secondRecordedAt = '';

  const get = (path: string) => fetch(`${base}${path}`);
  const json = async <T>(path: string) => (await (await get(path)).json()) as T;
  const csv = async (path: string) => {
    const res = await get(`${path}${path.includes('?') ? '&' : '?'}format=csv`);
    expect({ path, status: res.status }).toEqual({ path, status: 200 });
    return sheet(await res.text());
  };

  beforeAll(async () => {
    db = await createTestDatabase('report_csv');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    const store = new PgEventStore(db.pool);
    const append = async (e: Parameters<typeof toAppend>[0]) => {
      const [stored] = await store.append(toAppend(e));
      await pastMillisecondOf(stored.recordedAt);
      return stored.recordedAt;
    };
    const departed = (subject: string, organization: string, role: string, occurredAt: string) =>
      append({
        type: 'executive.departed',
        subject,
        occurredAt,
        sources: [SOURCE],
        data: { organization, role, roleCategory: 'c-suite', reason: 'resigned' },
      });
    // One person leaving one role of one organization, reported twice with the role written two ways (and dated two
    // ways, which the conflicts report shows); another person leaving from the organization's other slug.
    await departed('person:csv-pat', ORG, 'Chief People Officer', '2024-04-02');
    secondRecordedAt = await departed('person:csv-pat', ORG, ' chief  people  officer ', '2024-06-02');
    await departed('person:csv-lee', ALIAS, 'Chief Technology Officer', '2024-07');
    await append({
      type: 'financial.loss_reported',
      subject: ALIAS,
      occurredAt: '2024-10',
      sources: [SOURCE],
      data: { money: { amount: '5000000000', currency: 'USD' }, period: '2024', basis: 'projected' },
    });
    await append({
      type: 'financial.loss_reported',
      subject: ORG,
      occurredAt: '2024-11',
      sources: [SOURCE],
      data: { money: { amount: '7000000000', currency: 'USD' }, period: '2025-H1', basis: 'projected' },
    });
    await append({
      type: 'lawsuit.filed',
      subject: 'case:csv-authors-v-acme',
      occurredAt: '2024-07',
      sources: [SOURCE],
      data: {
        title: 'Authors v. Acme',
        plaintiffs: ['person:csv-author'],
        defendants: [ALIAS],
        claims: ['copyright', 'unjust enrichment'],
      },
    });
    await append({
      type: 'lawsuit.status_changed',
      subject: 'case:csv-authors-v-acme',
      occurredAt: '2024-09',
      sources: [STEP_SOURCE],
      data: { status: 'motion_filed' },
    });
    await append({ type: 'entity.merged', subject: ALIAS, occurredAt: null, sources: [], data: { into: ORG, reason: 'same company' } });
    await new ProjectionRebuilder(ds).rebuild({ projections: PROJECTION_NAMES, topic: 'report-csv-test', partitions: [0] });

    ({ app, base } = await startReportsApp(ds));
  });

  afterAll(async () => {
    await app?.close();
    await ds?.destroy();
    await db?.drop();
  });

  it('counts the two reports of one person leaving "Chief People Officer" and " chief  people  officer " as one departure, JSON and CSV, as the conflicts report pairs them', async () => {
    const figures = (g: Groups) => g.groups.map((x) => [x.key, x.count, x.reports]);
    const byYear = await json<Groups>(`/v1/reports/departures?organization=${ORG}&groupBy=year`);
    expect(figures(byYear)).toEqual([['2024', 2, 3]]);
    expect(figures(await json<Groups>(`/v1/reports/departures?organization=${ORG}&groupBy=quarter`))).toEqual([
      ['2024-Q2', 1, 2],
      ['2024-Q3', 1, 1],
    ]);
    // Each report is still listed, its role as written.
    expect(byYear.groups[0].items.map((d) => d.role)).toEqual([
      'Chief People Officer',
      ' chief  people  officer ',
      'Chief Technology Officer',
    ]);
    // knownAt keeps its meaning: before the second report, one report of one departure.
    const before = new Date(Date.parse(secondRecordedAt) - 1).toISOString();
    expect(figures(await json<Groups>(`/v1/reports/departures?organization=${ORG}&groupBy=year&knownAt=${before}`))).toEqual([
      ['2024', 1, 1],
    ]);
    // The conflicts report pairs the two reports under one claim (their dates differ): the same departure.
    const conflicts = await json<{ items: Array<{ kind: string; subject: string; fields: string[] }> }>(
      '/v1/reports/conflicts?kind=departure',
    );
    expect(conflicts.items.map((c) => [c.subject, c.fields])).toEqual([['person:csv-pat', ['occurredAt']]]);

    // The CSV: a row per report, each with its group's count of departures and of reports, after the earlier columns.
    const { header, rows } = await csv(`/v1/reports/departures?organization=${ORG}&groupBy=year`);
    expect(header.slice(0, BEFORE.departures.length + 1)).toEqual(['group', ...BEFORE.departures]);
    expect(header.slice(-6)).toEqual(['group_count', 'group_reports', 'group_rumored', 'valid_from', 'valid_to', 'conflicts_with']);
    expect(rows.map((r) => [r.group, r.person, r.group_count, r.group_reports])).toEqual([
      ['2024', 'person:csv-pat', '2', '3'],
      ['2024', 'person:csv-pat', '2', '3'],
      ['2024', 'person:csv-lee', '2', '3'],
    ]);
    const quarters = await csv(`/v1/reports/departures?organization=${ORG}&groupBy=quarter`);
    expect(quarters.rows.map((r) => [r.group, r.group_count, r.group_reports])).toEqual([
      ['2024-Q2', '1', '2'],
      ['2024-Q2', '1', '2'],
      ['2024-Q3', '1', '1'],
    ]);
    const earlier = await csv(`/v1/reports/departures?organization=${ORG}&groupBy=year&knownAt=${before}`);
    expect(earlier.rows.map((r) => [r.group, r.group_count, r.group_reports])).toEqual([['2024', '1', '1']]);
  });

  it('?bom=true starts a CSV with the UTF-8 byte-order mark (Excel reads accents by it), the same rows after it; without it, none; a JSON answer is unchanged', async () => {
    const path = `/v1/reports/leadership?organization=${ORG}&lang=fr&format=csv`;
    const plain = Buffer.from(await (await fetch(`${base}${path}`)).arrayBuffer());
    const marked = await fetch(`${base}${path}&bom=true`);
    expect(marked.status).toBe(200);
    const bytes = Buffer.from(await marked.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(plain[0]).not.toBe(0xef);
    expect(bytes.subarray(3).equals(plain)).toBe(true);
    expect(Buffer.from(await (await fetch(`${base}${path}&bom=false`)).arrayBuffer()).equals(plain)).toBe(true);
    const json = await fetch(`${base}/v1/reports/leadership?organization=${ORG}&bom=true`);
    expect((await json.text()).startsWith('{')).toBe(true);
    const bad = await fetch(`${base}${path}&bom=yes`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: Array<{ path: string }> }).errors.map((e) => e.path)).toEqual(['bom']);
  });

  it('departures CSV: the entity each person is shown under and the fallbacks, as the JSON items say; no group columns when not grouped', async () => {
    const page = await json<{ items: Departure[] }>(`/v1/reports/departures?organization=${ORG}`);
    const { header, rows } = await csv(`/v1/reports/departures?organization=${ORG}`);
    expect(header).toEqual([
      ...BEFORE.departures,
      'canonical_person',
      'canonical_person_name',
      'fallbacks',
      'valid_from',
      'valid_to',
      'conflicts_with',
    ]);
    expect(rows.map((r) => [r.fact_id, r.canonical_person, r.canonical_person_name, r.fallbacks, r.valid_from, r.valid_to])).toEqual(
      page.items.map((d) => [d.factId, d.canonicalPerson, d.canonicalPersonName, cell(d.fallbacks), d.validFrom ?? '', d.validTo ?? '']),
    );
  });

  it('every report CSV names the conflicts a fact is a side of (conflicts_with, last), as its JSON conflictsWith and GET /v1/reports/conflicts do', async () => {
    const conflicts = await json<{ items: Array<{ conflictId: string; sides: Array<{ eventId: string }> }> }>('/v1/reports/conflicts');
    expect(conflicts.items).toHaveLength(1);
    const [{ conflictId, sides }] = conflicts.items;
    const disputed = sides.map((x) => x.eventId);
    type Fact = { factId: string; conflictsWith: string[] };
    // The two reports of Pat's departure are disputed (their dates differ); Lee's is not.
    for (const path of [
      `/v1/reports/departures?organization=${ORG}`,
      `/v1/reports/timeline?subject=${ORG}`,
      `/v1/sources/${sourceIdOf(SOURCE)}`,
    ]) {
      const page = await json<{ items: Fact[] }>(path);
      const { header, rows } = await csv(path);
      expect({ path, last: header.at(-1) }).toEqual({ path, last: 'conflicts_with' });
      expect({ path, cells: rows.map((r) => [r.fact_id, r.conflicts_with]) }).toEqual({
        path,
        cells: page.items.map((i) => [i.factId, cell(i.conflictsWith)]),
      });
      expect(rows.filter((r) => r.conflicts_with === conflictId).map((r) => r.fact_id)).toEqual(
        page.items.filter((i) => disputed.includes(i.factId)).map((i) => i.factId),
      );
      expect(rows.some((r) => r.conflicts_with === conflictId)).toBe(true);
    }
    // The roster: each bound's, the end of Pat's tenure being one side.
    const { header, rows } = await csv(`/v1/reports/leadership?organization=${ORG}&show=tenures`);
    expect(header.slice(-2)).toEqual(['start_conflicts_with', 'end_conflicts_with']);
    expect(rows.map((r) => [r.person, r.start_conflicts_with, r.end_conflicts_with])).toEqual([
      ['person:csv-pat', '', conflictId],
      ['person:csv-lee', '', ''],
    ]);
    // Undisputed figures and cases: the column is there, empty.
    for (const path of [`/v1/reports/financials?organization=${ORG}`, `/v1/reports/lawsuits?party=${ORG}`]) {
      const { rows: undisputed } = await csv(path);
      expect(undisputed.map((r) => r.conflicts_with)).toEqual(undisputed.map(() => ''));
    }
    // Known before the second report: no conflict yet, as the JSON says at that knownAt.
    const before = new Date(Date.parse(secondRecordedAt) - 1).toISOString();
    const earlier = await csv(`/v1/reports/departures?organization=${ORG}&knownAt=${before}`);
    expect(earlier.rows.map((r) => r.conflicts_with)).toEqual(earlier.rows.map(() => ''));
  });

  it('leadership CSV: the entity each person is shown under, why and where they left and the fallbacks, as the JSON tenures say', async () => {
    type Tenure = {
      person: string;
      canonicalPerson: string;
      canonicalPersonName: string;
      reason: string | null;
      destination: string | null;
      fallbacks: string[];
      organization: string;
      canonicalOrganization: string;
      start: {
        modalityFrom: { eventId: string; sources: Array<{ outlet: string }> } | null;
        from: string | null;
        to: string | null;
      } | null;
      end: { organization: string; from: string | null; to: string | null } | null;
    };
    const page = await json<{ items: Tenure[] }>(`/v1/reports/leadership?organization=${ORG}&show=tenures`);
    expect(page.items.length).toBeGreaterThan(0);
    const { header, rows } = await csv(`/v1/reports/leadership?organization=${ORG}&show=tenures`);
    // The report the start's modality comes from (when another than the start's own), after every earlier column.
    expect(header.slice(-9, -7)).toEqual(['modality_from_event_id', 'modality_from_sources']);
    // Then the end's own modality (a rumoured end stays on the roster, not certain).
    expect(header.at(-7)).toBe('end_modality');
    // Then the instants each bound's date stands for, which a spreadsheet sorts by ("2024-Q2" and "unknown" it cannot).
    expect(header.slice(-6, -2)).toEqual(['start_from', 'start_to', 'end_from', 'end_to']);
    // Then the conflicts each bound is a side of.
    expect(header.slice(-2)).toEqual(['start_conflicts_with', 'end_conflicts_with']);
    expect(rows.map((r) => [r.start_from, r.start_to, r.end_from, r.end_to])).toEqual(
      page.items.map((t) => [t.start?.from ?? '', t.start?.to ?? '', t.end?.from ?? '', t.end?.to ?? '']),
    );
    expect(rows.map((r) => [r.modality_from_event_id, r.modality_from_sources])).toEqual(
      page.items.map((t) => [t.start?.modalityFrom?.eventId ?? '', cell(t.start?.modalityFrom?.sources.map((x) => x.outlet) ?? [])]),
    );
    expect(header.slice(-17, -9)).toEqual([
      'canonical_person',
      'canonical_person_name',
      'reason',
      'destination',
      'fallbacks',
      'organization',
      'end_organization',
      'canonical_organization',
    ]);
    // The slug each tenure was recorded under, told apart from the entity's, as the JSON says.
    expect(rows.map((r) => [r.person, r.organization, r.end_organization, r.canonical_organization])).toEqual(
      page.items.map((t) => [t.person, t.organization, t.end?.organization ?? '', t.canonicalOrganization]),
    );
    expect(rows.map((r) => [r.person, r.organization, r.canonical_organization])).toEqual([
      ['person:csv-pat', ORG, ORG],
      ['person:csv-lee', ALIAS, ORG],
    ]);
    expect(rows.map((r) => [r.person, r.canonical_person, r.canonical_person_name, r.reason, r.destination, r.fallbacks])).toEqual(
      page.items.map((t) => [t.person, t.canonicalPerson, t.canonicalPersonName, t.reason ?? '', t.destination ?? '', cell(t.fallbacks)]),
    );
    expect(rows.map((r) => r.reason)).toContain('resigned');
  });

  it('financials CSV: the organization each figure was recorded under and its entity, so the rows of merged subjects are told apart, and where each period ends', async () => {
    type Point = { organization: string; canonicalOrganization: string; periodEnd: string | null; amount: string };
    const page = await json<{ items: Point[] }>(`/v1/reports/financials?organization=${ORG}`);
    const { header, rows } = await csv(`/v1/reports/financials?organization=${ORG}`);
    expect(header).toEqual([...BEFORE.financials, 'organization', 'canonical_organization', 'period_end', 'conflicts_with']);
    expect(rows.map((r) => [r.amount, r.organization, r.canonical_organization, r.period_end])).toEqual(
      page.items.map((p) => [p.amount, p.organization, p.canonicalOrganization, p.periodEnd]),
    );
    expect(rows.map((r) => [r.amount, r.organization, r.canonical_organization])).toEqual([
      ['5000000000', ALIAS, ORG],
      ['7000000000', ORG, ORG],
    ]);
  });

  it('lawsuits CSV: the parties as entities, the claims and the fallbacks, as the JSON case says', async () => {
    type Case = { canonicalPlaintiffs: string[]; canonicalDefendants: string[]; claims: string[]; fallbacks: string[] };
    const page = await json<{ items: Case[] }>(`/v1/reports/lawsuits?party=${ORG}`);
    const { header, rows } = await csv(`/v1/reports/lawsuits?party=${ORG}`);
    expect(header).toEqual([
      ...BEFORE.lawsuits,
      'canonical_plaintiffs',
      'canonical_defendants',
      'claims',
      'fallbacks',
      'step_sources',
      'rumored_status',
      'conflicts_with',
      'step_conflicts_with',
    ]);
    expect(rows.map((r) => [r.defendants, r.canonical_plaintiffs, r.canonical_defendants, r.claims, r.fallbacks])).toEqual(
      page.items.map((c) => [ALIAS, cell(c.canonicalPlaintiffs), cell(c.canonicalDefendants), cell(c.claims), cell(c.fallbacks)]),
    );
    expect(rows.map((r) => [r.canonical_defendants, r.claims])).toEqual([[ORG, 'copyright; unjust enrichment']]);
  });

  it("lawsuits CSV: sources are the filing's, as the JSON filed.sources and the outlets beside them; the steps' outlets are step_sources, after the others", async () => {
    type Step = { status: string; sources: Array<{ outlet: string }>; corroboration: { outlets: number } };
    const page = await json<{ items: Array<{ filed: Step; history: Step[] }> }>(`/v1/reports/lawsuits?party=${ORG}`);
    expect(page.items.map((c) => c.history.map((s) => [s.status, s.sources.map((x) => x.outlet)]))).toEqual([
      [
        ['filed', ['CSV Wire']],
        ['motion_filed', ['CSV Daily']],
      ],
    ]);
    const { header, rows } = await csv(`/v1/reports/lawsuits?party=${ORG}`);
    expect(header.slice(0, BEFORE.lawsuits.length)).toEqual(BEFORE.lawsuits);
    // step_sources came after the others, and rumored_status (empty: nothing rumoured) after it.
    expect(header.slice(-4, -2)).toEqual(['step_sources', 'rumored_status']);
    expect(rows.map((r) => [r.steps, r.sources, r.outlets, r.step_sources, r.rumored_status])).toEqual([
      ['filed 2024-07; motion_filed 2024-09', 'CSV Wire', '1', 'CSV Daily', ''],
    ]);
    expect(rows.map((r) => [r.sources, r.outlets])).toEqual(
      page.items.map((c) => [cell(c.filed.sources.map((x) => x.outlet)), String(c.filed.corroboration.outlets)]),
    );
  });

  it("timeline and entity CSV: the subject's name and the entity it is shown under", async () => {
    type Item = { factId: string; subjectName: string; canonicalSubject: string; validFrom: string | null; validTo: string | null };
    for (const path of [`/v1/reports/timeline?subject=${ORG}`, `/v1/entities/${ALIAS}`]) {
      const page = await json<{ items: Item[] }>(path);
      const { header, rows } = await csv(path);
      expect({ path, header }).toEqual({
        path,
        header: [...BEFORE.timeline, 'subject_name', 'canonical_subject', 'valid_from', 'valid_to', 'conflicts_with'],
      });
      expect(rows.map((r) => [r.fact_id, r.subject_name, r.canonical_subject, r.valid_from, r.valid_to])).toEqual(
        page.items.map((i) => [i.factId, i.subjectName, i.canonicalSubject, i.validFrom ?? '', i.validTo ?? '']),
      );
    }
    const { rows } = await csv(`/v1/reports/timeline?subject=${ORG}&types=financial.loss_reported`);
    expect(rows.map((r) => [r.subject, r.canonical_subject])).toEqual([
      [ALIAS, ORG],
      [ORG, ORG],
    ]);
  });

  it("conflicts CSV: the subject's name, the events that opened and resolved it, each side's headline and modality; the claim key stays where it was", async () => {
    type Conflict = {
      conflictId: string;
      subjectName: string;
      openedEventId: string;
      resolution: { eventId: string } | null;
      sides: Array<{ headline: string | null; modality: string | null; corroboration: { outlets: number } }>;
    };
    const page = await json<{ items: Conflict[] }>('/v1/reports/conflicts');
    const { header, rows } = await csv('/v1/reports/conflicts');
    expect(header).toEqual([
      ...BEFORE.conflicts,
      'subject_name',
      'opened_event_id',
      'resolution_event_id',
      'a_headline',
      'b_headline',
      'a_outlets',
      'b_outlets',
      'a_modality',
      'b_modality',
    ]);
    expect(page.items.length).toBeGreaterThan(0);
    expect(
      rows.map((r) => [
        r.conflict_id,
        r.subject_name,
        r.opened_event_id,
        r.resolution_event_id,
        r.a_headline,
        r.b_headline,
        r.a_outlets,
        r.b_outlets,
        r.a_modality,
        r.b_modality,
      ]),
    ).toEqual(
      page.items.map((c) => [
        c.conflictId,
        c.subjectName,
        c.openedEventId,
        c.resolution?.eventId ?? '',
        c.sides[0].headline ?? '',
        c.sides[1].headline ?? '',
        String(c.sides[0].corroboration.outlets),
        String(c.sides[1].corroboration.outlets),
        c.sides[0].modality ?? '',
        c.sides[1].modality ?? '',
      ]),
    );
  });

  it("the query document's CSV example of each report names the header row the service writes, as its first line (t27: a CSV was a bare string)", async () => {
    type MediaType = { schema?: { description?: string }; example?: string; examples?: Record<string, { value: string }> };
    const document = JSON.parse(readFileSync(join(__dirname, '../../../openapi/query.json'), 'utf8')) as {
      paths: Record<string, { get?: { responses: Record<string, { content?: Record<string, MediaType> }> } }>;
    };
    // The request that answers each documented example (a path's single `example` is under its path alone).
    const requests: Record<string, string> = {
      '/v1/reports/leadership': `/v1/reports/leadership?organization=${ORG}`,
      '/v1/reports/departures#items': `/v1/reports/departures?organization=${ORG}`,
      '/v1/reports/departures#grouped': `/v1/reports/departures?organization=${ORG}&groupBy=year`,
      '/v1/reports/lawsuits': `/v1/reports/lawsuits?party=${ORG}`,
      '/v1/reports/financials': `/v1/reports/financials?organization=${ORG}`,
      '/v1/reports/timeline': `/v1/reports/timeline?subject=${ORG}`,
      '/v1/reports/conflicts': '/v1/reports/conflicts',
      '/v1/entities/{subject}': `/v1/entities/${ORG}`,
      '/v1/sources': '/v1/sources',
      '/v1/sources/{id}': `/v1/sources/${sourceIdOf(SOURCE)}`,
    };
    const documented: Record<string, string> = {};
    for (const [path, item] of Object.entries(document.paths)) {
      const csvAnswer = item.get?.responses['200']?.content?.['text/csv'];
      if (!csvAnswer) continue;
      expect({ path, described: Boolean(csvAnswer.schema?.description) }).toEqual({ path, described: true });
      if (csvAnswer.example !== undefined) documented[path] = csvAnswer.example;
      for (const [name, example] of Object.entries(csvAnswer.examples ?? {})) documented[`${path}#${name}`] = example.value;
    }
    // Every CSV-capable operation documents its header row, and this test asks each of them.
    expect(Object.keys(documented).sort()).toEqual(Object.keys(requests).sort());
    for (const [name, path] of Object.entries(requests)) {
      const res = await get(`${path}${path.includes('?') ? '&' : '?'}format=csv`);
      const [firstLine] = (await res.text()).split('\r\n');
      const [exampleHeader] = documented[name].split('\r\n');
      expect({ name, status: res.status, header: exampleHeader }).toEqual({ name, status: 200, header: firstLine });
    }
  });

  it("sources CSV: the list already had every field of its JSON; a story's facts gain the subject's name", async () => {
    expect((await csv('/v1/sources')).header).toEqual(BEFORE.sources);
    const path = `/v1/sources/${sourceIdOf(SOURCE)}`;
    const page = await json<{ items: Array<{ factId: string; subjectName: string }> }>(path);
    const { header, rows } = await csv(path);
    expect(header).toEqual([...BEFORE.source, 'subject_name', 'conflicts_with']);
    expect(rows.map((r) => [r.fact_id, r.subject_name])).toEqual(page.items.map((i) => [i.factId, i.subjectName]));
  });
});
