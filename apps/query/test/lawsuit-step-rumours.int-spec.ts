import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { PROJECTION_NAMES, ProjectionRebuilder } from '@newsroom/projections';
import { createTestDatabase, reportingColumns, TestDatabase, withMigrationUndone } from '@newsroom/testing';
import { LawsuitStepRumours1764902700000 } from '../../../infra/postgres/migrations/1764902700000-lawsuit-step-rumours.migration';
import { applyLog, itFoldsTheFeedEveryWay } from '../../../libs/projections/test/support/log-replay.util';
import { sourcingAppend } from '../../../tests/fixtures/story.fixture';
import { lawsuitHistory } from './support/lawsuit-history.fixture';
import { startReportsApp } from './support/reports-app.harness';

const PLAINTIFF = 'person:step-rumour-plaintiff';
const BLOG = [{ outlet: 'Legal Gossip Blog', language: 'en' }];
const WIRE = [{ outlet: 'Court Wire', language: 'en' }];
const TOPIC = 'lawsuit-step-rumours-test';

interface Case {
  case: string;
  status: string;
  rumoredStatus: string | null;
  history: Array<{ eventId: string; status: string; modality: string }>;
}

/** A step as a BI user reads it from reporting.lawsuit_steps, with the judgement the view now carries. */
interface ViewStep {
  case_subject: string;
  fact_id: string;
  status: string;
  modality: string;
  sets_status: boolean;
  rumor_confirmed: boolean | null;
  confirmed_by: string | null;
  set_aside: boolean;
}

/**
 * reporting.lawsuit_steps says of each step what GET /v1/reports/lawsuits judges (t25: it listed a rumour confirmed
 * by a story attached later as `rumored`, nothing more): whether it sets the case's status, whether the stories
 * attached confirm a rumour and which one does, and whether a denial sets it aside. The judgement is made when the
 * view and the report are read, from the steps' modality and the attached stories' words, nothing stored: so a
 * history recorded before the rumour rules (the tester's reported dismissal after a blog's rumoured settlement,
 * written here straight to the log as any log holds it) reads the same whether folded live or rebuilt.
 */
describe('reporting.lawsuit_steps judges rumoured steps as the lawsuits report does (real Postgres, over HTTP)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PgEventStore;
  let app: INestApplication;
  let base: string;
  const ids = {
    appealRumour: randomUUID(),
    motion: randomUUID(),
    settlementRumour: randomUUID(),
    confirmation: randomUUID(),
    laterConfirmation: randomUUID(),
    contestedRumour: randomUUID(),
    deniedRumour: randomUUID(),
    denial: randomUUID(),
    testerRumour: randomUUID(),
    testerDismissal: randomUUID(),
  };

  const get = async (query = '') => {
    const res = await fetch(`${base}/v1/reports/lawsuits?party=${PLAINTIFF}${query}`);
    expect(res.status).toBe(200);
    return res;
  };
  const cases = async (): Promise<Case[]> => ((await (await get()).json()) as { items: Case[] }).items;
  const steps = (): Promise<ViewStep[]> =>
    ds.query(
      `SELECT s.case_subject, s.fact_id, s.status, s.modality, s.sets_status, s.rumor_confirmed, s.confirmed_by, s.set_aside
       FROM reporting.lawsuit_steps s JOIN reporting.lawsuits c ON c.case_subject = s.case_subject
       WHERE $1 = ANY(c.plaintiffs) ORDER BY s.case_subject, s.step_order`,
      [PLAINTIFF],
    );
  const judged = async () =>
    Object.fromEntries((await steps()).map((s) => [s.fact_id, [s.status, s.sets_status, s.rumor_confirmed, s.confirmed_by, s.set_aside]]));
  const columns = () => reportingColumns(ds, 'lawsuit_steps');

  beforeAll(async () => {
    db = await createTestDatabase('lawsuit_step_rumours');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    store = new PgEventStore(db.pool);
    const { append, filed, step } = lawsuitHistory(store, {
      plaintiff: PLAINTIFF,
      defendant: 'org:step-rumour-acme',
      wire: WIRE,
      blog: BLOG,
    });

    await filed('case:lsr-rumoured-appeal');
    await step('case:lsr-rumoured-appeal', 'motion_filed', '2024-04-10', 'reported', ids.motion);
    await step('case:lsr-rumoured-appeal', 'appealed', '2024-06', 'rumored', ids.appealRumour);
    // Confirmed by Court Wire, then by a second outlet: the first confirmation is the one named.
    await filed('case:lsr-confirmed-settlement');
    await step('case:lsr-confirmed-settlement', 'settled', '2024-09', 'rumored', ids.settlementRumour);
    await append(sourcingAppend('case:lsr-confirmed-settlement', ids.settlementRumour, WIRE[0], 'confirms', ids.confirmation));
    await append(
      sourcingAppend(
        'case:lsr-confirmed-settlement',
        ids.settlementRumour,
        { outlet: 'Law Daily', language: 'en' },
        'confirms',
        ids.laterConfirmation,
      ),
    );
    // Confirmed by one outlet, denied by another: still a rumour, set aside.
    await filed('case:lsr-contested');
    await step('case:lsr-contested', 'settled', '2024-09', 'rumored', ids.contestedRumour);
    await append(sourcingAppend('case:lsr-contested', ids.contestedRumour, WIRE[0], 'confirms'));
    await append(sourcingAppend('case:lsr-contested', ids.contestedRumour, { outlet: 'Skeptic Post', language: 'en' }, 'denies'));
    // A rumoured dismissal and a denied step of that status: the rumour set aside, the denial counting for nothing.
    await filed('case:lsr-denied-dismissal');
    await step('case:lsr-denied-dismissal', 'dismissed', '2024-07', 'rumored', ids.deniedRumour);
    await step('case:lsr-denied-dismissal', 'dismissed', '2024-08', 'denied', ids.denial);
    // The tester's history: a blog's rumoured settlement, then a reported dismissal (written straight to the log,
    // as a history recorded before the rumour rules holds it; the rules now accept it too).
    await filed('case:lsr-tester');
    await step('case:lsr-tester', 'settled', '2024-09', 'rumored', ids.testerRumour);
    await step('case:lsr-tester', 'dismissed', '2024-10', 'reported', ids.testerDismissal);

    await new ProjectionRebuilder(ds).rebuild({ projections: PROJECTION_NAMES, topic: TOPIC, partitions: [0] });
    ({ app, base } = await startReportsApp(ds));
  });

  afterAll(async () => {
    await app?.close();
    await ds?.destroy();
    await db?.drop();
  });

  /** fact id: [status, sets_status, rumor_confirmed, confirmed_by, set_aside]. */
  const JUDGED = () => ({
    [ids.motion]: ['motion_filed', true, null, null, false],
    [ids.appealRumour]: ['appealed', false, false, null, false],
    [ids.settlementRumour]: ['settled', true, true, ids.confirmation, false],
    [ids.contestedRumour]: ['settled', false, false, null, true],
    [ids.deniedRumour]: ['dismissed', false, false, null, true],
    [ids.denial]: ['dismissed', false, null, null, false],
    [ids.testerRumour]: ['settled', false, false, null, false],
    [ids.testerDismissal]: ['dismissed', true, null, null, false],
  });

  itFoldsTheFeedEveryWay(
    'lawsuit_steps says which rumours are confirmed, by which story, and which are set aside',
    () => ({ store, ds }),
    TOPIC,
    async () => {
      expect(await judged()).toEqual(JUDGED());
    },
  );

  it("a BI user reads each case's status and rumour from lawsuit_steps alone, as the API and reporting.lawsuits give them", async () => {
    const bySubject = new Map<string, ViewStep[]>();
    for (const s of await steps()) bySubject.set(s.case_subject, [...(bySubject.get(s.case_subject) ?? []), s]);
    const fromView = (subject: string) => {
      const list = bySubject.get(subject) ?? [];
      const last = list.findLastIndex((s) => s.sets_status);
      const status = last >= 0 ? list[last].status : 'filed';
      const rumour = list.slice(last + 1).findLast((s) => s.modality === 'rumored' && !s.sets_status && !s.set_aside);
      return [status, rumour && rumour.status !== status ? rumour.status : null];
    };
    const api = Object.fromEntries((await cases()).map((c) => [c.case, [c.status, c.rumoredStatus]]));
    expect(api).toEqual({
      'case:lsr-rumoured-appeal': ['motion_filed', 'appealed'],
      'case:lsr-confirmed-settlement': ['settled', null],
      'case:lsr-contested': ['filed', null],
      'case:lsr-denied-dismissal': ['filed', null],
      'case:lsr-tester': ['dismissed', null],
    });
    expect(Object.fromEntries(Object.keys(api).map((c) => [c, fromView(c)]))).toEqual(api);
    const lawsuits = await ds.query(
      `SELECT case_subject, current_status, rumored_status FROM reporting.lawsuits WHERE $1 = ANY(plaintiffs)`,
      [PLAINTIFF],
    );
    expect(
      Object.fromEntries(lawsuits.map((r: Record<string, string | null>) => [r.case_subject, [r.current_status, r.rumored_status]])),
    ).toEqual(api);
  });

  it('a history folded live answers the report, JSON and CSV, exactly as a rebuild of it does: nothing stored holds a judgement', async () => {
    await ds.query(`TRUNCATE read_model.lawsuit_events, read_model.feed_items`);
    await applyLog(store, ds, { pageSize: 2, batched: true });
    const live = { json: await cases(), csv: await (await get('&format=csv')).text(), steps: await judged() };
    expect(live.json.find((c) => c.case === 'case:lsr-tester')).toMatchObject({ status: 'dismissed', rumoredStatus: null });
    await new ProjectionRebuilder(ds).rebuild({ projections: PROJECTION_NAMES, topic: TOPIC, partitions: [0] });
    expect({ json: await cases(), csv: await (await get('&format=csv')).text(), steps: await judged() }).toEqual(live);
    expect(live.steps).toEqual(JUDGED());
  });

  it('lawsuit_steps keeps every column and adds sets_status, rumor_confirmed, confirmed_by and set_aside last; down gives the old view back', async () => {
    const now = await columns();
    expect(now.slice(-4)).toEqual([
      { column_name: 'sets_status', data_type: 'boolean' },
      { column_name: 'rumor_confirmed', data_type: 'boolean' },
      { column_name: 'confirmed_by', data_type: 'uuid' },
      { column_name: 'set_aside', data_type: 'boolean' },
    ]);
    await withMigrationUndone(ds, new LawsuitStepRumours1764902700000(), async () => {
      expect(await columns()).toEqual(now.slice(0, -4));
      expect((await ds.query(`SELECT count(*)::int AS n FROM reporting.lawsuit_steps`))[0].n).toBe(Object.keys(JUDGED()).length);
    });
    expect(await columns()).toEqual(now);
    // A rebuild recreates the views through reporting.create_views(): the new body again.
    await new ProjectionRebuilder(ds).rebuild({ projections: ['lawsuits'], topic: TOPIC, partitions: [0] });
    expect(await judged()).toEqual(JUDGED());
  });
});
