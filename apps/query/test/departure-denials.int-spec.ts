import { INestApplication } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { PROJECTION_NAMES, ProjectionRebuilder } from '@newsroom/projections';
import { createTestDatabase, pastMillisecondOf, TestDatabase, withMigrationUndone } from '@newsroom/testing';
import { DepartureDenials1764902300000 } from '../../../infra/postgres/migrations/1764902300000-departure-denials.migration';
import { sourcingAppend, toAppend } from '../../../tests/fixtures/story.fixture';
import { reportsReader, startReportsApp } from './support/reports-app.harness';

const ORG = 'org:dd-openai';
/** A slug merged into ORG: a denial recorded under it answers a rumour recorded under ORG. */
const ALIAS = 'org:dd-openai-inc';
/** Rumoured to leave in March, denied for March; a rumour of September comes after. */
const LIGHTCAP = 'person:dd-brad-lightcap';
/** Denied to leave in March 2024, reported gone in September: no conflict. */
const ROE = 'person:dd-jane-roe';
/** Reported gone on 2 May 2024, denied for June: a conflict. */
const KIM = 'person:dd-kim-park';
/** A rumour and its denial two days apart: no conflict. */
const SAM = 'person:dd-sam-lee';
/** A rumour under ORG, its denial under ALIAS; and one denied by a story attached to it. */
const NOLAN = 'person:dd-nolan-ray';
const STANCE = 'person:dd-ida-stance';
/** Elsewhere: an undated rumour no denial answers, and a rumour an undated denial answers. */
const OTHER = 'org:dd-other';
const UNDATED = 'person:dd-una-dated';
const UNDATED_DENIAL = 'person:dd-ned-nodate';

const source = (outlet: string) => ({
  outlet,
  url: `https://${outlet.toLowerCase().replace(/\W+/g, '-')}.example/${Math.random().toString(36).slice(2)}`,
  title: `${outlet} story`,
  language: 'en',
});

interface Groups {
  groups: Array<{ key: string; count: number; rumored: number; reports: number }>;
}
interface Conflict {
  subject: string;
  fields: string[];
  sides: Array<{ occurredAt: string; modality: string | null }>;
}

/**
 * A denial answers the rumours dated no later than it and contradicts only a departure it could not be true beside
 * (the fifty-fifth session's testers), over HTTP on read models rebuilt from a real Postgres log: (1) a rumour dated
 * after a denial is news again on the roster and in the departures counts; (2) a denial dated before a reported
 * departure is no conflict, one dated after it is; (3) a rumour and its denial are never a conflict; (4) the reporting
 * views say which rumours are set aside and what each report counts in, so a BI count equals the API's.
 */
describe('denials of departures by their dates: roster, counts, conflicts and BI views (real Postgres, HTTP)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let app: INestApplication;
  let base: string;
  let beforeSeptember = '';

  const { get, json } = reportsReader(() => base);
  const roster = async (params: Record<string, string> = {}) =>
    (
      await json<{ items: Array<{ person: string; certain: boolean; end: { occurredAt: string; modality: string } | null }> }>(
        `/v1/reports/leadership?${new URLSearchParams({ organization: ORG, ...params }).toString()}`,
      )
    ).items.map((t) => [t.person, t.certain, t.end && `${t.end.modality} ${t.end.occurredAt}`]);
  const groups = async (by: string, knownAt?: string) =>
    (await json<Groups>(`/v1/reports/departures?organization=${ORG}&groupBy=${by}${knownAt ? `&knownAt=${knownAt}` : ''}`)).groups.map(
      (g) => [g.key, g.count, g.rumored, g.reports],
    );
  const conflicts = async (subject: string) =>
    (await json<{ items: Conflict[] }>(`/v1/reports/conflicts?subject=${subject}`)).items.map((c) => ({
      fields: c.fields,
      sides: c.sides.map((s) => [s.modality, s.occurredAt]),
    }));

  beforeAll(async () => {
    db = await createTestDatabase('departure_denials');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    const store = new PgEventStore(db.pool);
    const append = async (e: Parameters<typeof toAppend>[0]) => {
      const [stored] = await store.append(toAppend(e));
      await pastMillisecondOf(stored.recordedAt);
      return stored;
    };
    const fact = (
      kind: string,
      person: string,
      role: string,
      occurredAt: string | null,
      modality: string,
      outlet: string,
      organization = ORG,
    ) =>
      append({
        type: `executive.${kind}`,
        subject: person,
        occurredAt,
        modality,
        sources: [source(outlet)],
        data: { organization, role, roleCategory: 'c-suite', ...(kind === 'departed' ? { reason: 'resigned' } : {}) },
      });
    await append({ type: 'entity.merged', subject: ALIAS, occurredAt: null, sources: [], data: { into: ORG, reason: 'same company' } });
    await fact('appointed', LIGHTCAP, 'Chief Operating Officer', '2018-05', 'reported', 'OpenAI Blog');
    await fact('departed', LIGHTCAP, 'Chief Operating Officer', '2025-03', 'rumored', 'TechCrunch');
    await fact('departed', LIGHTCAP, 'chief operating officer', '2025-03', 'denied', 'OpenAI');
    // Recorded after the denial, dated before it: answered all the same.
    await fact('departed', LIGHTCAP, 'Chief Operating Officer', '2025-02-20', 'rumored', 'Gossip Wire');
    await fact('appointed', ROE, 'Chief Financial Officer', '2020-01', 'reported', 'OpenAI Blog');
    await fact('departed', ROE, 'Chief Financial Officer', '2024-03', 'denied', 'Reuters');
    await fact('departed', ROE, 'Chief Financial Officer', '2024-09-15', 'reported', 'Bloomberg');
    await fact('departed', KIM, 'Chief Legal Officer', '2024-05-02', 'reported', 'Legal Wire');
    await fact('departed', KIM, 'Chief Legal Officer', '2024-06', 'denied', 'OpenAI');
    await fact('appointed', SAM, 'Chief Scientist', '2021-01', 'reported', 'OpenAI Blog');
    await fact('departed', SAM, 'Chief Scientist', '2025-02-10', 'rumored', 'Gossip Wire');
    await fact('departed', SAM, 'Chief Scientist', '2025-02-12', 'denied', 'Reuters');
    await fact('appointed', NOLAN, 'Chief People Officer', '2022-01', 'reported', 'OpenAI Blog');
    await fact('departed', NOLAN, 'Chief People Officer', '2025-05', 'rumored', 'Gossip Wire');
    await fact('departed', NOLAN, 'Chief People Officer', '2025-05-20', 'denied', 'OpenAI', ALIAS);
    await fact('appointed', STANCE, 'Chief Product Officer', '2023-01', 'reported', 'OpenAI Blog');
    const stanceRumour = await fact('departed', STANCE, 'Chief Product Officer', '2025-06', 'rumored', 'Gossip Wire');
    await store.append(sourcingAppend(STANCE, stanceRumour.eventId, source('Tech Daily'), 'denies'));
    await fact('departed', UNDATED, 'Chief Revenue Officer', null, 'rumored', 'Gossip Wire', OTHER);
    await fact('departed', UNDATED_DENIAL, 'Chief Revenue Officer', '2025-09', 'rumored', 'Gossip Wire', OTHER);
    await fact('departed', UNDATED_DENIAL, 'Chief Revenue Officer', null, 'denied', 'Other Corp', OTHER);
    beforeSeptember = new Date().toISOString();
    await pastMillisecondOf(beforeSeptember);
    await fact('departed', LIGHTCAP, 'Chief Operating Officer', '2025-09', 'rumored', 'The Information');
    await new ProjectionRebuilder(ds).rebuild({ projections: PROJECTION_NAMES, topic: 'departure-denials-test', partitions: [0] });
    ({ app, base } = await startReportsApp(ds));
  });

  afterAll(async () => {
    await app?.close();
    await ds?.destroy();
    await db?.drop();
  });

  it('(1) a rumour dated after the denial is news again: on the roster (not certain) and counted in rumored; the ones before it stay set aside', async () => {
    // In role order: operating, people, product, scientist.
    const inOffice = [
      [NOLAN, true, null],
      [STANCE, true, null],
      [SAM, true, null],
    ];
    // Before the September rumour: the March denial answered both rumours, whichever was recorded first.
    expect(await roster({ knownAt: beforeSeptember })).toEqual([[LIGHTCAP, true, null], ...inOffice]);
    expect(await roster()).toEqual([[LIGHTCAP, false, 'rumored 2025-09'], ...inOffice]);
    expect(await roster({ asOf: '2025-06-01' })).toEqual([[LIGHTCAP, true, 'rumored 2025-09'], ...inOffice]);
    expect((await roster({ asOf: '2024-06-01' })).map(([p]) => p)).toEqual([ROE, LIGHTCAP, NOLAN, STANCE, SAM]);
    // 2024: Jane's and Kim's reported departures count (a denial never cancels a report). 2025: Lightcap's two rumours
    // and his denial, Sam's rumour and denial, Nolan's (denied under the merged slug) and Ida's rumour.
    expect(await groups('year', beforeSeptember)).toEqual([
      ['2024', 2, 0, 4],
      ['2025', 0, 0, 8],
    ]);
    expect(await groups('year')).toEqual([
      ['2024', 2, 0, 4],
      ['2025', 0, 1, 9],
    ]);
    expect((await groups('month')).filter(([key]) => String(key).startsWith('2025'))).toEqual([
      ['2025-02', 0, 0, 3],
      ['2025-03', 0, 0, 2],
      ['2025-05', 0, 0, 2],
      ['2025-06', 0, 0, 1],
      ['2025-09', 0, 1, 1],
    ]);
  });

  it('(2) a denial dated before a reported departure is no conflict; a denial dated after one contradicts it, on its modality (JSON and CSV)', async () => {
    expect(await conflicts(ROE)).toEqual([]);
    expect(await conflicts(KIM)).toEqual([
      {
        fields: ['modality'],
        sides: [
          ['reported', '2024-05-02'],
          ['denied', '2024-06'],
        ],
      },
    ]);
    const [header, ...rows]: string[][] = parse(await (await get(`/v1/reports/conflicts?subject=${KIM}&format=csv`)).text(), {
      record_delimiter: '\r\n',
    });
    const at = (name: string) => header.indexOf(name);
    expect(rows.map((r) => [r[at('fields')], r[at('a_modality')], r[at('b_modality')]])).toEqual([['modality', 'reported', 'denied']]);
  });

  it('(3) a rumour and its denial are never a conflict, whatever their dates: the denial answers the rumour', async () => {
    expect(await conflicts(SAM)).toEqual([]);
    // Lightcap's rumours of February, March and September disagree with one another (two outlets, two dates), as
    // before; none is in conflict with the denial.
    const lightcap = await conflicts(LIGHTCAP);
    expect(lightcap).toHaveLength(3);
    expect(lightcap.flatMap((c) => c.sides.map(([modality]) => modality))).not.toContain('denied');
  });

  it("(4) reporting.departures says which rumours are set aside and what each report counts in, so a BI count is the API's", async () => {
    const rows: Array<{ person: string; occurred_at: string; modality: string; set_aside: boolean; counts_in: string | null }> =
      await ds.query(
        `SELECT person, occurred_at, modality, set_aside, counts_in FROM reporting.departures
       WHERE canonical_organization = $1 ORDER BY person, valid_from, modality`,
        [ORG],
      );
    expect(rows.map((r) => [r.person, r.occurred_at, r.modality, r.set_aside, r.counts_in])).toEqual([
      [LIGHTCAP, '2025-02-20', 'rumored', true, null],
      [LIGHTCAP, '2025-03', 'denied', false, null],
      [LIGHTCAP, '2025-03', 'rumored', true, null],
      [LIGHTCAP, '2025-09', 'rumored', false, 'rumored'],
      [STANCE, '2025-06', 'rumored', true, null],
      [ROE, '2024-03', 'denied', false, null],
      [ROE, '2024-09-15', 'reported', false, 'count'],
      [KIM, '2024-05-02', 'reported', false, 'count'],
      [KIM, '2024-06', 'denied', false, null],
      [NOLAN, '2025-05', 'rumored', true, null],
      [NOLAN, '2025-05-20', 'denied', false, null],
      [SAM, '2025-02-10', 'rumored', true, null],
      [SAM, '2025-02-12', 'denied', false, null],
    ]);
    // The API's count and rumored, as a BI tool computes them from the view: each claim once per bucket, a rumour only
    // where the bucket has no report of it counted.
    for (const [by, bucket] of [
      ['year', `to_char(valid_from AT TIME ZONE 'UTC', 'YYYY')`],
      ['quarter', 'quarter'],
    ]) {
      const bi: Array<{ key: string; count: number; rumored: number; reports: number }> = await ds.query(
        `SELECT ${bucket} AS key,
           count(DISTINCT (canonical_person, canonical_organization, role_key)) FILTER (WHERE counts_in = 'count')::int AS count,
           (count(DISTINCT (canonical_person, canonical_organization, role_key)) FILTER (WHERE counts_in IS NOT NULL)
             - count(DISTINCT (canonical_person, canonical_organization, role_key)) FILTER (WHERE counts_in = 'count'))::int AS rumored,
           count(*)::int AS reports
         FROM reporting.departures WHERE canonical_organization = $1 AND ${bucket} IS NOT NULL GROUP BY 1 ORDER BY 1`,
        [ORG],
      );
      expect(bi.map((g) => [g.key, g.count, g.rumored, g.reports])).toEqual(await groups(by));
    }
    // Undated: a rumour with no denial is live; a denial answers every rumour of its claim.
    const undated: Array<{ person: string; modality: string; set_aside: boolean; counts_in: string | null }> = await ds.query(
      `SELECT person, modality, set_aside, counts_in FROM reporting.departures WHERE organization = $1 ORDER BY person, modality`,
      [OTHER],
    );
    expect(undated.map((r) => [r.person, r.modality, r.set_aside, r.counts_in])).toEqual([
      [UNDATED_DENIAL, 'denied', false, null],
      [UNDATED_DENIAL, 'rumored', true, null],
      [UNDATED, 'rumored', false, 'rumored'],
    ]);
    // The roster's view: the same rumours set aside, appointments never.
    const leadership: Array<{ person: string; kind: string; set_aside: boolean }> = await ds.query(
      `SELECT person, kind, set_aside FROM reporting.leadership_events WHERE person = $1 ORDER BY valid_from, modality`,
      [LIGHTCAP],
    );
    expect(leadership.map((r) => [r.kind, r.set_aside])).toEqual([
      ['appointed', false],
      ['departed', true],
      ['departed', false],
      ['departed', true],
      ['departed', false],
    ]);
  });

  it('(4) the migration keeps every column the two views had, with its type, and adds its own at the end; down takes them off again', async () => {
    const columns = async (view: string): Promise<string[]> =>
      (
        await ds.query(
          `SELECT column_name || ' ' || data_type AS c FROM information_schema.columns
           WHERE table_schema = 'reporting' AND table_name = $1 ORDER BY ordinal_position`,
          [view],
        )
      ).map((r: { c: string }) => r.c);
    const now = { departures: await columns('departures'), leadership: await columns('leadership_events') };
    await withMigrationUndone(ds, new DepartureDenials1764902300000(), async () => {
      const before = { departures: await columns('departures'), leadership: await columns('leadership_events') };
      expect(now.departures.slice(0, before.departures.length)).toEqual(before.departures);
      expect(now.departures.slice(before.departures.length)).toEqual([
        'role_key text',
        'canonical_person text',
        'canonical_organization text',
        'set_aside boolean',
        'counts_in text',
      ]);
      expect(now.leadership).toEqual([...before.leadership, 'set_aside boolean']);
    });
    expect(await columns('departures')).toEqual(now.departures);
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM reporting.departures WHERE set_aside`);
    expect(n).toBe(6);
  });
});
