import { INestApplication } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { PROJECTION_NAMES, ProjectionRebuilder } from '@newsroom/projections';
import { createTestDatabase, pastMillisecondOf, TestDatabase } from '@newsroom/testing';
import { sourcingAppend, toAppend } from '../../../tests/fixtures/story.fixture';
import { reportsReader, startReportsApp } from './support/reports-app.harness';

const OPENAI = 'org:t14-openai';
const TINY = 'org:t14-tiny-lab';
const LIGHTCAP = 'person:t14-brad-lightcap';
const ROE = 'person:t14-jane-roe';
/** Rumoured to leave, the rumour denied by a story attached to it only. */
const STANCE = 'person:t14-sam-stance';
/** Rumoured to leave, then reported gone. */
const GONE = 'person:t14-lee-gone';

const source = (outlet: string, quote?: string) => ({
  outlet,
  url: `https://${outlet.toLowerCase().replace(/\W+/g, '-')}.example/${Math.random().toString(36).slice(2)}`,
  title: `${outlet} story`,
  language: 'en',
  ...(quote ? { quote } : {}),
});

interface Bound {
  eventId: string;
  occurredAt: string | null;
  modality: string;
  sources: Array<{ outlet: string }>;
}
interface Tenure {
  person: string;
  role: string;
  certain?: boolean;
  start: Bound | null;
  end: Bound | null;
}
interface Groups {
  groups: Array<{ key: string; count: number; rumored: number; reports: number }>;
  unplaced: { count: number; rumored: number; reports: number };
}

/**
 * The t14 tester's two cases (an editor of a French newsroom): a rumoured departure took an executive off the roster,
 * though the company denied it. Over HTTP, JSON and CSV, on read models rebuilt from a real Postgres log, at several
 * asOf and knownAt: a rumour alone keeps the holder (not certain, the rumoured end shown); a denial (a denied
 * departure of the claim, or a story attached to the rumour that denies it) sets the rumour aside from when it was
 * recorded; a reported departure after a rumour still ends the tenure; the departures count rumours apart and denied
 * rumours not at all.
 */
describe('a rumoured departure and its denial: roster, tenures and departures counts (real Postgres, HTTP)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let app: INestApplication;
  let base: string;
  /** Instants between the recordings: before each denial, and after everything. */
  const known: Record<string, string> = {};
  let rumourId = '';

  const { get, json } = reportsReader(() => base);
  const csv = async (path: string) => {
    const records: string[][] = parse(await (await get(`${path}&format=csv`)).text(), { record_delimiter: '\r\n' });
    const [header, ...rows] = records;
    return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
  };
  /** The roster (or tenures) as a desk editor reads it: who, and what ends their tenure. */
  const roster = async (organization: string, params: Record<string, string> = {}) =>
    (await json<{ items: Tenure[] }>(`/v1/reports/leadership?${new URLSearchParams({ organization, ...params }).toString()}`)).items.map(
      (t) => ({
        person: t.person,
        ...(t.certain === undefined ? {} : { certain: t.certain }),
        end: t.end && { occurredAt: t.end.occurredAt, modality: t.end.modality, sources: t.end.sources.map((s) => s.outlet) },
      }),
    );

  beforeAll(async () => {
    db = await createTestDatabase('leadership_rumours');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    const store = new PgEventStore(db.pool);
    const append = async (e: Parameters<typeof toAppend>[0]) => {
      const [stored] = await store.append(toAppend(e));
      await pastMillisecondOf(stored.recordedAt);
      return stored;
    };
    const mark = async (name: string) => {
      known[name] = new Date().toISOString();
      await pastMillisecondOf(known[name]);
    };
    const fact = (
      type: string,
      subject: string,
      organization: string,
      role: string,
      occurredAt: string,
      modality: string,
      outlet: string,
      quote?: string,
    ) =>
      append({
        type: `executive.${type}`,
        subject,
        occurredAt,
        modality,
        sources: [source(outlet, quote)],
        data: { organization, role, roleCategory: 'c-suite', ...(type === 'departed' ? { reason: 'resigned' } : {}) },
      });

    // First run: Lightcap, COO since 2018-05; a rumour of his departure, then OpenAI's denial.
    await fact('appointed', LIGHTCAP, OPENAI, 'Chief Operating Officer', '2018-05', 'reported', 'OpenAI Blog');
    await fact('departed', LIGHTCAP, OPENAI, 'Chief Operating Officer', '2025-03', 'rumored', 'TechCrunch');
    // Second run: Jane Roe, CEO; a rumour (Gossip Wire), a denied departure (Reuters), and Reuters attached as denying it.
    await fact('appointed', ROE, TINY, 'Chief Executive Officer', '2021-01-04', 'confirmed', 'Tiny Lab');
    const rumour = await fact('departed', ROE, TINY, 'Chief Executive Officer', '2025-02-10', 'rumored', 'Gossip Wire');
    rumourId = rumour.eventId;
    // Sam: a rumour denied only by a story attached to it. Lee: a rumour, then a reported departure.
    await fact('appointed', STANCE, TINY, 'Chief Technology Officer', '2022-06', 'reported', 'Tiny Lab');
    const stanceRumour = await fact('departed', STANCE, TINY, 'Chief Technology Officer', '2025-04', 'rumored', 'Gossip Wire');
    await fact('appointed', GONE, TINY, 'Head of Research', '2023-02', 'reported', 'Tiny Lab');
    await fact('departed', GONE, TINY, 'Head of Research', '2025-01-20', 'rumored', 'Gossip Wire');
    await mark('beforeDenials');
    await fact('departed', LIGHTCAP, OPENAI, 'Chief Operating Officer', '2025-03', 'denied', 'OpenAI', 'Brad is not going anywhere');
    await fact('departed', ROE, TINY, 'chief executive officer', '2025-02-12', 'denied', 'Reuters');
    await store.append(sourcingAppend(ROE, rumour.eventId, source('Reuters'), 'denies'));
    await pastMillisecondOf(new Date().toISOString());
    await mark('beforeStance');
    await store.append(sourcingAppend(STANCE, stanceRumour.eventId, source('Tiny Lab Press'), 'denies'));
    await pastMillisecondOf(new Date().toISOString());
    await fact('departed', GONE, TINY, 'Head of Research', '2025-05', 'reported', 'Reuters');
    await mark('after');
    await new ProjectionRebuilder(ds).rebuild({ projections: PROJECTION_NAMES, topic: 'leadership-rumours-test', partitions: [0] });
    ({ app, base } = await startReportsApp(ds));
  });

  afterAll(async () => {
    await app?.close();
    await ds?.destroy();
    await db?.drop();
  });

  const rumoured = (person: string, occurredAt: string, outlet: string) => ({
    person,
    certain: false,
    end: { occurredAt, modality: 'rumored', sources: [outlet] },
  });
  const inOffice = (person: string) => ({ person, certain: true, end: null });

  it('Lightcap: a rumour alone keeps him on the roster (not certain, the rumoured end shown); OpenAI denying it sets it aside', async () => {
    const before = { knownAt: known.beforeDenials };
    expect(await roster(OPENAI, before)).toEqual([rumoured(LIGHTCAP, '2025-03', 'TechCrunch')]);
    expect(await roster(OPENAI, { ...before, asOf: '2025-06-01' })).toEqual([rumoured(LIGHTCAP, '2025-03', 'TechCrunch')]);
    expect(await roster(OPENAI, { ...before, asOf: '2025-03-15' })).toEqual([rumoured(LIGHTCAP, '2025-03', 'TechCrunch')]);
    // Before the rumour's date: in office and certain, the rumoured end ahead.
    expect(await roster(OPENAI, { ...before, asOf: '2024-06-01' })).toEqual([
      { ...rumoured(LIGHTCAP, '2025-03', 'TechCrunch'), certain: true },
    ]);
    expect(await roster(OPENAI, { ...before, show: 'tenures' })).toEqual([
      { person: LIGHTCAP, end: { occurredAt: '2025-03', modality: 'rumored', sources: ['TechCrunch'] } },
    ]);
    // Once the denial is recorded: simply in office, now and as of any date after his appointment.
    for (const params of [{}, { asOf: '2025-06-01' }, { asOf: '2025-03-15' }, { knownAt: known.after }] as Array<Record<string, string>>)
      expect(await roster(OPENAI, params)).toEqual([inOffice(LIGHTCAP)]);
    expect(await roster(OPENAI, { show: 'tenures' })).toEqual([{ person: LIGHTCAP, end: null }]);
    // The CSV says the same: the end and its modality, and whether the roster is certain.
    const rows = (r: Array<Record<string, string>>) => r.map((x) => [x.person, x.end, x.end_modality, x.certain]);
    expect(rows(await csv(`/v1/reports/leadership?organization=${OPENAI}&knownAt=${known.beforeDenials}`))).toEqual([
      [LIGHTCAP, '2025-03', 'rumored', 'false'],
    ]);
    expect(rows(await csv(`/v1/reports/leadership?organization=${OPENAI}&asOf=2025-06-01`))).toEqual([[LIGHTCAP, '', '', 'true']]);
  });

  it('Jane Roe: Tiny Lab has its CEO again once the denial is recorded; a rumour denied by a story alone is set aside from then; a reported departure still ends a tenure', async () => {
    const before = await roster(TINY, { knownAt: known.beforeDenials });
    expect(before).toEqual([
      rumoured(ROE, '2025-02-10', 'Gossip Wire'),
      rumoured(STANCE, '2025-04', 'Gossip Wire'),
      rumoured(GONE, '2025-01-20', 'Gossip Wire'),
    ]);
    // After the denied departure and the denying story (Reuters) on Jane's rumour; Sam's story not yet recorded.
    expect(await roster(TINY, { knownAt: known.beforeStance, asOf: '2025-03-01' })).toEqual([
      inOffice(ROE),
      { ...rumoured(STANCE, '2025-04', 'Gossip Wire'), certain: true },
      rumoured(GONE, '2025-01-20', 'Gossip Wire'),
    ]);
    // Now: Sam's rumour denied by the story attached to it; Lee reported gone in May, so off today's roster.
    expect(await roster(TINY)).toEqual([inOffice(ROE), inOffice(STANCE)]);
    expect(await roster(TINY, { asOf: '2025-04-01' })).toEqual([
      inOffice(ROE),
      inOffice(STANCE),
      { person: GONE, certain: true, end: { occurredAt: '2025-05', modality: 'reported', sources: ['Reuters'] } },
    ]);
    expect(await roster(TINY, { asOf: '2025-06-01' })).toEqual([inOffice(ROE), inOffice(STANCE)]);
    expect((await roster(TINY, { show: 'tenures' })).map((t) => [t.person, t.end?.modality ?? null])).toEqual([
      [ROE, null],
      [STANCE, null],
      [GONE, 'reported'],
    ]);
    // The rumour itself is still listed with its modality, and its corroboration says Reuters denies it.
    const listed = await json<{ items: Array<{ factId: string; modality: string; corroboration: { denies: number } }> }>(
      `/v1/reports/departures?organization=${TINY}`,
    );
    expect(listed.items.find((d) => d.factId === rumourId)).toMatchObject({ modality: 'rumored', corroboration: { denies: 1 } });
  });

  it('departures: a group counts reported and confirmed departures in count, rumours apart in rumored, denied rumours not at all (JSON and CSV)', async () => {
    const figures = (g: Groups) => g.groups.map((x) => [x.key, x.count, x.rumored, x.reports]);
    const year = async (organization: string, knownAt?: string) =>
      figures(
        await json<Groups>(`/v1/reports/departures?organization=${organization}&groupBy=year${knownAt ? `&knownAt=${knownAt}` : ''}`),
      );
    // Lightcap: one rumour, then its denial: nothing counted, both reports listed.
    expect(await year(OPENAI, known.beforeDenials)).toEqual([['2025', 0, 1, 1]]);
    expect(await year(OPENAI)).toEqual([['2025', 0, 0, 2]]);
    // Tiny Lab: before the denials, three rumours; now Lee's reported departure counts, and his rumour with it.
    expect(await year(TINY, known.beforeDenials)).toEqual([['2025', 0, 3, 3]]);
    expect(await year(TINY, known.beforeStance)).toEqual([['2025', 0, 2, 4]]);
    expect(await year(TINY)).toEqual([['2025', 1, 0, 5]]);
    // By month, each rumour in its own bucket: Lee's January rumour stands (his reported departure is May's).
    expect(
      figures(await json<Groups>(`/v1/reports/departures?organization=${TINY}&groupBy=month`)).filter(
        ([, count, rumored]) => count || rumored,
      ),
    ).toEqual([
      ['2025-01', 0, 1, 1],
      ['2025-05', 1, 0, 1],
    ]);
    // The CSV: a row per report, each with its group's counts.
    const rows = await csv(`/v1/reports/departures?organization=${TINY}&groupBy=year&knownAt=${known.beforeStance}`);
    expect(rows.map((r) => [r.group, r.modality, r.group_count, r.group_rumored, r.group_reports])).toEqual([
      ['2025', 'rumored', '0', '2', '4'],
      ['2025', 'rumored', '0', '2', '4'],
      ['2025', 'denied', '0', '2', '4'],
      ['2025', 'rumored', '0', '2', '4'],
    ]);
  });
});
