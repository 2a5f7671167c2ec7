import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { PROJECTION_NAMES, ProjectionRebuilder } from '@newsroom/projections';
import { createTestDatabase, pastMillisecondOf, TestDatabase } from '@newsroom/testing';
import { MIGRATIONS } from '../../../infra/postgres/data-source';
import { ReportingValidTime1764901700000 } from '../../../infra/postgres/migrations/1764901700000-reporting-valid-time.migration';
import { Envelope, toAppend } from '../../../tests/fixtures/story.fixture';
import { DeparturesRepository } from '../src/reports/departures/departures.repository';
import { LawsuitsRepository } from '../src/reports/lawsuits/lawsuits.repository';
import { EntityLinksRepository } from '../src/reports/shared/entity-links.repository';
import { EntityNamesRepository } from '../src/reports/shared/entity-names.repository';
import { startReportsApp } from './support/reports-app.harness';

const SOURCE = { outlet: 'Valid Time Wire', url: 'https://valid-time.example/1', title: 'Cases and departures', language: 'en' };
const ORG = 'org:vt-acme';
const page = { asOf: null, knownAt: null, modality: null, limit: 100, cursor: null };

/** A case's steps as a BI user reads them from reporting.lawsuit_steps: in step_order. */
const viewSteps = (ds: DataSource, subject: string): Promise<Array<{ status: string; occurred_at: string | null; step_order: string }>> =>
  ds.query(`SELECT status, occurred_at, step_order::text FROM reporting.lawsuit_steps WHERE case_subject = $1 ORDER BY step_order`, [
    subject,
  ]);
const viewStatus = async (ds: DataSource, subject: string) =>
  (await ds.query(`SELECT current_status, status_occurred_at FROM reporting.lawsuits WHERE case_subject = $1`, [subject]))[0];
/** The columns of the three views, with their types: what a BI tool has bound to. */
const columns = (ds: DataSource) =>
  ds.query(
    `SELECT table_name, ordinal_position, column_name, data_type FROM information_schema.columns
     WHERE table_schema = 'reporting' AND table_name IN ('lawsuits', 'lawsuit_steps', 'departures') ORDER BY table_name, ordinal_position`,
  );

/**
 * The BI views say what the REST reports say, in valid time: a case's current status in `reporting.lawsuits` is its
 * latest step that happened, not the latest recorded, and `reporting.lawsuit_steps.step_order` numbers the steps in
 * the order they happened, as GET /v1/reports/lawsuits lists them; `reporting.departures.quarter` is null for a
 * departure dated more coarsely than a quarter, which GET /v1/reports/departures?groupBy=quarter leaves unplaced.
 */
describe('reporting views in valid time, as the REST reports (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let lawsuits: LawsuitsRepository;
  let departures: DeparturesRepository;

  beforeAll(async () => {
    db = await createTestDatabase('reporting_valid_time');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    const store = new PgEventStore(db.pool);
    // One append at a time, in this order: the order of recording is part of each case.
    const append = async (e: Envelope) => {
      const [stored] = await store.append(toAppend({ sources: [SOURCE], ...e }));
      await pastMillisecondOf(stored.recordedAt);
    };
    const filed = (subject: string, occurredAt: string) =>
      append({
        type: 'lawsuit.filed',
        subject,
        occurredAt,
        data: { title: `${subject} v. Acme`, plaintiffs: ['person:vt-author'], defendants: [ORG] },
      });
    const step = (subject: string, status: string, occurredAt: string | null, modality = 'reported') =>
      append({ type: 'lawsuit.status_changed', subject, occurredAt, modality, data: { status } });

    // A motion of June, then an injunction sought in March recorded after it.
    await filed('case:vt-late-injunction', '2024-01-10');
    await step('case:vt-late-injunction', 'motion_filed', '2024-06-01');
    await step('case:vt-late-injunction', 'injunction_sought', '2024-03-01');
    // Settled in November, then a motion of August reported late: still settled.
    await filed('case:vt-late-motion', '2024-01-10');
    await step('case:vt-late-motion', 'settled', '2024-11-20');
    await step('case:vt-late-motion', 'motion_filed', '2024-08-15');
    // Coarse and missing dates: "settled in 2024", recorded first, is neither before nor after a motion of 2024-06-10
    // (the year holds the day), so the order recorded puts it first; an undated step comes first of all, two steps of
    // one day keep their recording order, and a denied dismissal of 2025 is listed in its place but never the status.
    await filed('case:vt-coarse', '2024-01');
    await step('case:vt-coarse', 'settled', '2024');
    await step('case:vt-coarse', 'motion_filed', '2024-06-10');
    await step('case:vt-coarse', 'amended', null);
    await step('case:vt-coarse', 'injunction_sought', '2024-06-10');
    await step('case:vt-coarse', 'dismissed', '2025-02-01', 'denied');
    // Recorded after the motion of 2024-06-10, "settled in 2024" comes after it.
    await filed('case:vt-year-last', '2024-01');
    await step('case:vt-year-last', 'motion_filed', '2024-06-10');
    await step('case:vt-year-last', 'settled', '2024');
    // An appeal dated only "2025", recorded before a motion of 2025-03, comes before it (it came after: the fifty-first
    // session's testers).
    await filed('case:vt-year-first', '2024');
    await step('case:vt-year-first', 'settled', '2024-06');
    await step('case:vt-year-first', 'appealed', '2025');
    await step('case:vt-year-first', 'motion_filed', '2025-03');
    // A step dated to the minute.
    await filed('case:vt-timed', '2024-01-10');
    await step('case:vt-timed', 'injunction_granted', '2024-06-10T15:00:00Z');

    const departed = (person: string, occurredAt: string) =>
      append({
        type: 'executive.departed',
        subject: person,
        occurredAt,
        data: { organization: ORG, role: 'Chief Legal Officer', roleCategory: 'c-suite' },
      });
    await departed('person:vt-year', '2024');
    await departed('person:vt-straddle', '2024-12-01/2025-01-15');
    await departed('person:vt-half', '2024-H1');
    await departed('person:vt-day', '2024-05-14');
    await departed('person:vt-quarter', '2024-Q3');
    await departed('person:vt-month', '2024-11');
    await departed('person:vt-range', '2024-12-01/2024-12-15');
    // 23:30 on 30 June at UTC-2 is 1 July in UTC, as the API buckets it.
    await departed('person:vt-offset', '2024-06-30T23:30:00-02:00');

    await new ProjectionRebuilder(ds).rebuild({ projections: PROJECTION_NAMES, topic: 'reporting-valid-time-test', partitions: [0] });
    lawsuits = new LawsuitsRepository(ds, new EntityLinksRepository(ds), new EntityNamesRepository(ds));
    departures = new DeparturesRepository(ds, new EntityLinksRepository(ds));
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('a step recorded late takes its place: the view says what the API says, the current status and the order of the steps', async () => {
    expect(await viewStatus(ds, 'case:vt-late-injunction')).toEqual({ current_status: 'motion_filed', status_occurred_at: '2024-06-01' });
    expect((await viewSteps(ds, 'case:vt-late-injunction')).map((s) => [s.step_order, s.status])).toEqual([
      ['1', 'injunction_sought'],
      ['2', 'motion_filed'],
    ]);
    expect(await viewStatus(ds, 'case:vt-late-motion')).toEqual({ current_status: 'settled', status_occurred_at: '2024-11-20' });
    expect((await viewSteps(ds, 'case:vt-late-motion')).map((s) => [s.step_order, s.status])).toEqual([
      ['1', 'motion_filed'],
      ['2', 'settled'],
    ]);
  });

  it('a coarse date is neither before nor after the finer ones inside it (the order recorded decides), undated steps first; a denied step is listed, never the status', async () => {
    expect(await viewStatus(ds, 'case:vt-coarse')).toEqual({ current_status: 'injunction_sought', status_occurred_at: '2024-06-10' });
    expect((await viewSteps(ds, 'case:vt-coarse')).map((s) => [s.step_order, s.status, s.occurred_at])).toEqual([
      ['1', 'amended', null],
      ['2', 'settled', '2024'],
      ['3', 'motion_filed', '2024-06-10'],
      ['4', 'injunction_sought', '2024-06-10'],
      ['5', 'dismissed', '2025-02-01'],
    ]);
    expect(await viewStatus(ds, 'case:vt-year-last')).toEqual({ current_status: 'settled', status_occurred_at: '2024' });
    expect((await viewSteps(ds, 'case:vt-year-last')).map((s) => [s.step_order, s.status])).toEqual([
      ['1', 'motion_filed'],
      ['2', 'settled'],
    ]);
    expect(await viewStatus(ds, 'case:vt-year-first')).toEqual({ current_status: 'motion_filed', status_occurred_at: '2025-03' });
    expect((await viewSteps(ds, 'case:vt-year-first')).map((s) => [s.step_order, s.status, s.occurred_at])).toEqual([
      ['1', 'settled', '2024-06'],
      ['2', 'appealed', '2025'],
      ['3', 'motion_filed', '2025-03'],
    ]);
  });

  it("every case: reporting.lawsuits has the API's status, and lawsuit_steps in step_order is the API's history after the filing", async () => {
    const report = await lawsuits.report({ ...page, party: null, status: null });
    expect(report.items).toHaveLength(6);
    for (const c of report.items) {
      const steps: Array<{ fact_id: string }> = await ds.query(
        `SELECT fact_id FROM reporting.lawsuit_steps WHERE case_subject = $1 ORDER BY step_order`,
        [c.case],
      );
      expect({ case: c.case, status: (await viewStatus(ds, c.case)).current_status, steps: steps.map((s) => s.fact_id) }).toEqual({
        case: c.case,
        status: c.status,
        steps: c.history.slice(1).map((s) => s.eventId),
      });
    }
  });

  it('GET /v1/reports/lawsuits?asOf=: a date counts its whole day, a date-time that instant, in its own offset (no step a day early)', async () => {
    const { app, base } = await startReportsApp(ds);
    try {
      const statusAsOf = async (subject: string, asOf: string) => {
        const res = await fetch(`${base}/v1/reports/lawsuits?party=${ORG}&asOf=${encodeURIComponent(asOf)}`);
        expect(res.status).toBe(200);
        return ((await res.json()) as { items: Array<{ case: string; status: string }> }).items.find((c) => c.case === subject)?.status;
      };
      const timed = (asOf: string) => statusAsOf('case:vt-timed', asOf);
      expect(await timed('2024-06-09T16:00:00Z')).toBe('filed');
      expect(await timed('2024-06-10T14:59:59.999Z')).toBe('filed');
      expect(await timed('2024-06-10T15:00:00Z')).toBe('injunction_granted');
      expect(await timed('2024-06-10T17:00:00+02:00')).toBe('injunction_granted');
      expect(await timed('2024-06-10T16:59:00+02:00')).toBe('filed');
      // As of a date: by the end of that day (a step of 15:00 counts as of 2024-06-10, not as of the day before).
      expect(await timed('2024-06-10')).toBe('injunction_granted');
      expect(await timed('2024-06-09')).toBe('filed');
      // "Settled in 2024" had surely happened only once 2024 was over: not at 00:30 on 31 December, in any offset.
      const coarse = (asOf: string) => statusAsOf('case:vt-year-last', asOf);
      expect(await coarse('2024-12-31')).toBe('settled');
      expect(await coarse('2024-12-31T00:00:00Z')).toBe('motion_filed');
      expect(await coarse('2024-12-31T00:30:00+01:00')).toBe('motion_filed');
      expect(await coarse('2024-12-30T23:00:00-02:00')).toBe('motion_filed');
      expect(await coarse('2025-01-01T00:00:00Z')).toBe('settled');
      // The appeal of "2025" counts once 2025 is over; the motion of March inside it, from April: as of then, the motion.
      const first = (asOf: string) => statusAsOf('case:vt-year-first', asOf);
      expect(await first('2025-02-15')).toBe('settled');
      expect(await first('2025-04-01T00:00:00Z')).toBe('motion_filed');
      expect(await first('2026-01-01T00:00:00Z')).toBe('motion_filed');
    } finally {
      await app.close();
    }
  });

  it('quarter is null for a departure dated more coarsely than a quarter, as the API leaves it unplaced; otherwise the API group', async () => {
    const rows: Array<{ person: string; quarter: string | null }> = await ds.query(
      `SELECT person, quarter FROM reporting.departures WHERE organization = $1 ORDER BY person`,
      [ORG],
    );
    expect(Object.fromEntries(rows.map((r) => [r.person, r.quarter]))).toEqual({
      'person:vt-year': null,
      'person:vt-straddle': null,
      'person:vt-half': null,
      'person:vt-day': '2024-Q2',
      'person:vt-quarter': '2024-Q3',
      'person:vt-month': '2024-Q4',
      'person:vt-range': '2024-Q4',
      'person:vt-offset': '2024-Q3',
    });
    const grouped = await departures.report({ ...page, organization: ORG, from: null, to: null, groupBy: 'quarter' });
    if (!('groups' in grouped)) throw new Error('expected groups');
    const api = Object.fromEntries([
      ...grouped.groups.flatMap((g) => g.items.map((i) => [i.person, g.key])),
      ...grouped.unplaced.items.map((i) => [i.person, null]),
    ]);
    expect(Object.fromEntries(rows.map((r) => [r.person, r.quarter]))).toEqual(api);
  });

  it("the migration keeps every column's name and type; its down brings back the recording order and the guessed quarters, and up the valid time again", async () => {
    const migration = new ReportingValidTime1764901700000();
    // Reverted as TypeORM reverts: the migrations after it first, newest first (a later one widens these views).
    const later = MIGRATIONS.slice(MIGRATIONS.indexOf(ReportingValidTime1764901700000) + 1).map((M) => new M());
    const runner = ds.createQueryRunner();
    let before: unknown;
    try {
      for (const m of [...later].reverse()) await m.down(runner);
      before = await columns(ds);
      await migration.down(runner);
      expect(await columns(ds)).toEqual(before);
      expect((await viewStatus(ds, 'case:vt-late-motion')).current_status).toBe('motion_filed');
      const [year] = await ds.query(`SELECT quarter FROM reporting.departures WHERE person = 'person:vt-year'`);
      expect(year.quarter).toBe('2024-Q1');
      await migration.up(runner);
      expect(await columns(ds)).toEqual(before);
      for (const m of later) await m.up(runner);
    } finally {
      await runner.release();
    }
    expect((await viewStatus(ds, 'case:vt-late-motion')).current_status).toBe('settled');
    const [year] = await ds.query(`SELECT quarter FROM reporting.departures WHERE person = 'person:vt-year'`);
    expect(year.quarter).toBeNull();
    // A rebuild recreates the views through reporting.create_views(): still in valid time.
    await new ProjectionRebuilder(ds).rebuild({ projections: ['lawsuits'], topic: 'reporting-valid-time-test', partitions: [0] });
    expect((await viewStatus(ds, 'case:vt-late-motion')).current_status).toBe('settled');
  });
});
