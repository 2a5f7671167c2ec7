import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { PROJECTION_NAMES, ProjectionRebuilder } from '@newsroom/projections';
import { createTestDatabase, reportingColumns, TestDatabase, withMigrationUndone } from '@newsroom/testing';
import { LawsuitRumours1764902500000 } from '../../../infra/postgres/migrations/1764902500000-lawsuit-rumours.migration';
import { itFoldsTheFeedEveryWay } from '../../../libs/projections/test/support/log-replay.util';
import { sourcingAppend } from '../../../tests/fixtures/story.fixture';
import { lawsuitHistory } from './support/lawsuit-history.fixture';
import { startReportsApp } from './support/reports-app.harness';

const PLAINTIFF = 'person:rumour-plaintiff';
const BLOG = [{ outlet: 'Legal Gossip Blog', language: 'en' }];
const WIRE = [{ outlet: 'Court Wire', language: 'en' }];
const TOPIC = 'lawsuit-rumours-test';

interface Step {
  eventId: string;
  status: string;
  modality: string;
}
interface Case {
  case: string;
  status: string;
  rumoredStatus: string | null;
  history: Step[];
}

/**
 * A rumoured step (a blog says the case was appealed, or settled) is listed in the case's history with its modality
 * but does not set the case's status until a story attached to it confirms it (t19): in GET /v1/reports/lawsuits
 * (JSON, CSV, status=, modality=, knownAt=) and in reporting.lawsuits, whose new last column rumored_status says what
 * is rumoured. The confirmation is read from the feed's corroboration entries, so the feed is folded every way.
 */
describe('lawsuits: a rumoured step is not the status until confirmed (real Postgres, over HTTP)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PgEventStore;
  let app: INestApplication;
  let base: string;
  /** Between the settlement rumour's recording and its confirmation's. */
  let beforeConfirmation: string;
  const ids = { appealRumour: randomUUID(), settlementRumour: randomUUID(), contestedRumour: randomUUID(), deniedRumour: randomUUID() };

  const get = async (query: string) => {
    const res = await fetch(`${base}/v1/reports/lawsuits?party=${PLAINTIFF}${query}`);
    expect(res.status).toBe(200);
    return res;
  };
  const cases = async (query = ''): Promise<Record<string, Omit<Case, 'case'>>> => {
    const items = ((await (await get(query)).json()) as { items: Case[] }).items;
    return Object.fromEntries(items.map(({ case: c, status, rumoredStatus, history }) => [c, { status, rumoredStatus, history }]));
  };
  const statuses = async (query = '') =>
    Object.fromEntries(Object.entries(await cases(query)).map(([c, { status, rumoredStatus }]) => [c, [status, rumoredStatus]]));
  const view = async () =>
    Object.fromEntries(
      (
        await ds.query(
          `SELECT case_subject, current_status, status_occurred_at, rumored_status FROM reporting.lawsuits WHERE $1 = ANY(plaintiffs)`,
          [PLAINTIFF],
        )
      ).map((r: Record<string, string | null>) => [r.case_subject, [r.current_status, r.status_occurred_at, r.rumored_status]]),
    );
  const columns = () => reportingColumns(ds, 'lawsuits');

  beforeAll(async () => {
    db = await createTestDatabase('lawsuit_rumours');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    store = new PgEventStore(db.pool);
    const { append, filed, step } = lawsuitHistory(store, { plaintiff: PLAINTIFF, defendant: 'org:rumour-acme', wire: WIRE, blog: BLOG });

    // The tester's case: a motion, then a blog's rumour of an appeal that nobody confirms.
    await filed('case:rumoured-appeal');
    await step('case:rumoured-appeal', 'motion_filed', '2024-04-10');
    await step('case:rumoured-appeal', 'appealed', '2024-06', 'rumored', ids.appealRumour);
    // A rumoured settlement that Court Wire confirms later: the status from the confirmation on.
    await filed('case:confirmed-settlement');
    beforeConfirmation = await step('case:confirmed-settlement', 'settled', '2024-09', 'rumored', ids.settlementRumour);
    await append(sourcingAppend('case:confirmed-settlement', ids.settlementRumour, WIRE[0], 'confirms'));
    // Confirmed by one outlet and denied by another: still a rumour, and set aside.
    await filed('case:contested-settlement');
    await step('case:contested-settlement', 'settled', '2024-09', 'rumored', ids.contestedRumour);
    await append(sourcingAppend('case:contested-settlement', ids.contestedRumour, WIRE[0], 'confirms'));
    await append(sourcingAppend('case:contested-settlement', ids.contestedRumour, { outlet: 'Skeptic Post', language: 'en' }, 'denies'));
    // A rumoured dismissal the parties deny (a denied step of that status): set aside too.
    await filed('case:denied-dismissal');
    await step('case:denied-dismissal', 'dismissed', '2024-07', 'rumored', ids.deniedRumour);
    await step('case:denied-dismissal', 'dismissed', '2024-08', 'denied');

    await new ProjectionRebuilder(ds).rebuild({ projections: PROJECTION_NAMES, topic: TOPIC, partitions: [0] });
    ({ app, base } = await startReportsApp(ds));
  });

  afterAll(async () => {
    await app?.close();
    await ds?.destroy();
    await db?.drop();
  });

  const NOW = {
    'case:rumoured-appeal': ['motion_filed', 'appealed'],
    'case:confirmed-settlement': ['settled', null],
    'case:contested-settlement': ['filed', null],
    'case:denied-dismissal': ['filed', null],
  };

  itFoldsTheFeedEveryWay(
    'the report and the view count a rumour once an attached story confirms it',
    () => ({ store, ds }),
    TOPIC,
    async () => {
      expect(await statuses()).toEqual(NOW);
      expect(await view()).toEqual({
        'case:rumoured-appeal': ['motion_filed', '2024-04-10', 'appealed'],
        'case:confirmed-settlement': ['settled', '2024-09', null],
        'case:contested-settlement': ['filed', null, null],
        'case:denied-dismissal': ['filed', null, null],
      });
    },
  );

  it('a rumour is listed in the history with its modality, and status= finds the case by its standing status, not the rumour', async () => {
    const appeal = (await cases())['case:rumoured-appeal'];
    expect(appeal.history.map((s) => [s.status, s.modality])).toEqual([
      ['filed', 'reported'],
      ['motion_filed', 'reported'],
      ['appealed', 'rumored'],
    ]);
    expect(Object.keys(await cases('&status=appealed'))).toEqual([]);
    expect(Object.keys(await cases('&status=motion_filed'))).toEqual(['case:rumoured-appeal']);
    expect(Object.keys(await cases('&status=settled'))).toEqual(['case:confirmed-settlement']);
    expect(Object.keys(await cases('&status=filed')).sort()).toEqual(['case:contested-settlement', 'case:denied-dismissal']);
    // modality= still picks the cases with such a step and lists those steps; the status stays the case's own.
    const rumoured = await cases('&modality=rumored');
    expect(Object.keys(rumoured).sort()).toEqual(Object.keys(NOW).sort());
    expect(rumoured['case:rumoured-appeal']).toMatchObject({ status: 'motion_filed', rumoredStatus: 'appealed' });
    expect(rumoured['case:rumoured-appeal'].history.map((s) => s.status)).toEqual(['filed', 'appealed']);
  });

  it('at a knownAt before the confirmation, the settlement is still a rumour: filed, settlement rumoured', async () => {
    const at = `&knownAt=${encodeURIComponent(beforeConfirmation)}`;
    expect((await statuses(at))['case:confirmed-settlement']).toEqual(['filed', 'settled']);
    expect(Object.keys(await cases(`${at}&status=settled`))).toEqual([]);
    // As of a date before the rumoured step, there is no rumour either.
    expect((await statuses('&asOf=2024-08-01'))['case:confirmed-settlement']).toEqual(['filed', null]);
  });

  it('the CSV says the status and the rumour (rumored_status, last but the conflicts columns added after it)', async () => {
    const rows: string[][] = parse(await (await get('&format=csv')).text(), { record_delimiter: '\r\n' });
    const [header, ...records] = rows;
    expect(header.slice(-3)).toEqual(['rumored_status', 'conflicts_with', 'step_conflicts_with']);
    const at = (name: string) => header.indexOf(name);
    const byCase = Object.fromEntries(records.map((r) => [r[at('case')], [r[at('status')], r[at('rumored_status')]]]));
    expect(byCase).toEqual({
      'case:rumoured-appeal': ['motion_filed', 'appealed'],
      'case:confirmed-settlement': ['settled', ''],
      'case:contested-settlement': ['filed', ''],
      'case:denied-dismissal': ['filed', ''],
    });
    // Each step says when it is a rumour or a denial (t25: "filed; dismissed 2024-07; dismissed 2024-08" read as
    // dismissed twice); a plain report says nothing more.
    const steps = Object.fromEntries(records.map((r) => [r[at('case')], r[at('steps')]]));
    expect(steps['case:rumoured-appeal']).toMatch(/; motion_filed 2024-04-10; appealed 2024-06 \(rumored\)$/);
    expect(steps['case:denied-dismissal']).toMatch(/; dismissed 2024-07 \(rumored\); dismissed 2024-08 \(denied\)$/);
  });

  it("reporting.lawsuits keeps every column's name, type and order and adds rumored_status last; down gives the old view back, up the new", async () => {
    const now = await columns();
    expect(now[now.length - 1]).toEqual({ column_name: 'rumored_status', data_type: 'text' });
    await withMigrationUndone(ds, new LawsuitRumours1764902500000(), async () => {
      expect(await columns()).toEqual(now.slice(0, -1));
      // The view as it was: the rumoured appeal was the status.
      const [before] = await ds.query(`SELECT current_status FROM reporting.lawsuits WHERE case_subject = 'case:rumoured-appeal'`);
      expect(before.current_status).toBe('appealed');
    });
    expect(await columns()).toEqual(now);
    // A rebuild recreates the views through reporting.create_views(): the new body again.
    await new ProjectionRebuilder(ds).rebuild({ projections: ['lawsuits'], topic: TOPIC, partitions: [0] });
    expect((await view())['case:rumoured-appeal']).toEqual(['motion_filed', '2024-04-10', 'appealed']);
  });
});
