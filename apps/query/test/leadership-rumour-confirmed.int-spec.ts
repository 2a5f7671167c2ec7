import { INestApplication } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { PROJECTION_NAMES, ProjectionRebuilder } from '@newsroom/projections';
import { createTestDatabase, pastMillisecondOf, TestDatabase } from '@newsroom/testing';
import { sourcingAppend, toAppend } from '../../../tests/fixtures/story.fixture';
import { reportsReader, startReportsApp } from './support/reports-app.harness';

const ACME = 'org:h1-acme';
/** Rumoured CTO, the rumour confirmed by a story attached to it. */
const CONFIRMED = 'person:h1-ada-confirmed';
/** Rumoured CFO, confirmed by an attached story, then denied by the same outlet's later story. */
const WITHDRAWN = 'person:h1-ben-withdrawn';
/** Rumoured COO, one outlet attached as confirming it and another as denying it. */
const SPLIT = 'person:h1-cy-split';
/** Rumoured CEO three times in a run; the second rumour (within the first's month) confirmed by an attached story. */
const MIDDLE = 'person:h1-dee-middle';

const source = (outlet: string) => ({
  outlet,
  url: `https://${outlet.toLowerCase().replace(/\W+/g, '-')}.example/${Math.random().toString(36).slice(2)}`,
  title: `${outlet} story`,
  language: 'en',
});

interface Fact {
  eventId: string;
  occurredAt: string | null;
  modality: string;
  sources: Array<{ outlet: string }>;
  corroboration: { confirms: number; denies: number };
}
interface Tenure {
  person: string;
  certain?: boolean;
  start: (Fact & { modalityFrom: Fact | null }) | null;
  end: Fact | null;
}

/**
 * The known limit of the sixty-first session, closed for the roster in the sixty-second: a rumoured appointment that a
 * story attached to it (`POST /v1/events/{id}/sources`, `confirms`) confirms counts as confirmed, as a rumoured lawsuit
 * step does: an outlet's latest word confirms it and none denies it, from the attachment's recording on. Over HTTP,
 * JSON and CSV, on read models rebuilt from a real Postgres log, at several asOf and knownAt.
 */
describe('a rumoured appointment confirmed by an attached story: roster and tenures (real Postgres, HTTP)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let app: INestApplication;
  let base: string;
  /** Instants between the recordings. */
  const known: Record<string, string> = {};
  const ids: Record<string, string> = {};

  const { get, json } = reportsReader(() => base);
  const csv = async (path: string) => {
    const records: string[][] = parse(await (await get(`${path}&format=csv`)).text(), { record_delimiter: '\r\n' });
    const [header, ...rows] = records;
    return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
  };
  /** The roster (or tenures) as a desk editor reads it: who, how sure, the start's modality and what backs it. */
  const roster = async (params: Record<string, string> = {}) =>
    (
      await json<{ items: Tenure[] }>(`/v1/reports/leadership?${new URLSearchParams({ organization: ACME, ...params }).toString()}`)
    ).items.map((t) => ({
      person: t.person,
      ...(t.certain === undefined ? {} : { certain: t.certain }),
      modality: t.start?.modality,
      sources: t.start?.sources.map((s) => s.outlet),
      modalityFrom: t.start?.modalityFrom
        ? { eventId: t.start.modalityFrom.eventId, sources: t.start.modalityFrom.sources.map((s) => s.outlet) }
        : null,
    }));
  const rumour = (person: string, outlet: string, certain = false) => ({
    person,
    certain,
    modality: 'rumored',
    sources: [outlet],
    modalityFrom: null,
  });
  const confirmed = (person: string, outlet: string) => ({
    person,
    certain: true,
    modality: 'confirmed',
    sources: [outlet],
    modalityFrom: null,
  });

  beforeAll(async () => {
    db = await createTestDatabase('leadership_rumour_confirmed');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    const store = new PgEventStore(db.pool);
    const appoint = async (subject: string, role: string, occurredAt: string, outlet: string) => {
      const [stored] = await store.append(
        toAppend({
          type: 'executive.appointed',
          subject,
          occurredAt,
          modality: 'rumored',
          sources: [source(outlet)],
          data: { organization: ACME, role, roleCategory: 'c-suite' },
        }),
      );
      await pastMillisecondOf(stored.recordedAt);
      return stored.eventId;
    };
    const attach = async (subject: string, eventId: string, outlet: string, stance: 'confirms' | 'denies') => {
      const [stored] = await store.append(sourcingAppend(subject, eventId, source(outlet), stance));
      await pastMillisecondOf(stored.recordedAt);
    };
    const mark = async (name: string) => {
      known[name] = new Date().toISOString();
      await pastMillisecondOf(known[name]);
    };

    ids.confirmed = await appoint(CONFIRMED, 'Chief Technology Officer', '2024-06-10', 'Gossip Wire');
    ids.withdrawn = await appoint(WITHDRAWN, 'Chief Financial Officer', '2024-03', 'Gossip Wire');
    ids.split = await appoint(SPLIT, 'Chief Operating Officer', '2024-02-01', 'Gossip Wire');
    ids.first = await appoint(MIDDLE, 'Chief Executive Officer', '2024-06', 'Gossip Wire');
    ids.middle = await appoint(MIDDLE, 'Chief Executive Officer', '2024-06-20', 'Tech Blog');
    ids.last = await appoint(MIDDLE, 'Chief Executive Officer', '2024-07-01', 'Rumour Mill');
    await mark('beforeConfirmations');
    await attach(CONFIRMED, ids.confirmed, 'Reuters', 'confirms');
    await attach(WITHDRAWN, ids.withdrawn, 'Reuters', 'confirms');
    await attach(SPLIT, ids.split, 'Reuters', 'confirms');
    await attach(SPLIT, ids.split, 'Bloomberg', 'denies');
    await attach(MIDDLE, ids.middle, 'Reuters', 'confirms');
    await mark('beforeWithdrawal');
    await attach(WITHDRAWN, ids.withdrawn, 'Reuters', 'denies');
    await new ProjectionRebuilder(ds).rebuild({
      projections: PROJECTION_NAMES,
      topic: 'leadership-rumour-confirmed-test',
      partitions: [0],
    });
    ({ app, base } = await startReportsApp(ds));
  });

  afterAll(async () => {
    await app?.close();
    await ds?.destroy();
    await db?.drop();
  });

  it('confirmed by an attached story: the start is confirmed and certain from the attachment on, a rumour at a knownAt before it', async () => {
    const ada = async (params: Record<string, string> = {}) => (await roster(params)).filter((t) => t.person === CONFIRMED);
    // Before the attachment was recorded: a rumour, not certain.
    expect(await ada({ knownAt: known.beforeConfirmations })).toEqual([rumour(CONFIRMED, 'Gossip Wire')]);
    expect(await ada({ knownAt: known.beforeConfirmations, asOf: '2024-09-01' })).toEqual([rumour(CONFIRMED, 'Gossip Wire')]);
    // From then on: confirmed and certain; the start's own report is what the story confirms (no other report backs
    // it, so modalityFrom is null), and its corroboration counts the confirming story.
    for (const params of [{}, { knownAt: known.beforeWithdrawal }, { asOf: '2024-09-01' }] as Array<Record<string, string>>)
      expect(await ada(params)).toEqual([confirmed(CONFIRMED, 'Gossip Wire')]);
    // `modality=` selects by the modality as recorded: rumored finds it (shown confirmed), confirmed does not.
    expect(await ada({ modality: 'rumored' })).toEqual([confirmed(CONFIRMED, 'Gossip Wire')]);
    expect(await ada({ modality: 'confirmed' })).toEqual([]);
    // Before the appointment's date, not on the roster.
    expect(await ada({ asOf: '2024-06-01' })).toEqual([]);
    const [tenure] = (await json<{ items: Tenure[] }>(`/v1/reports/leadership?organization=${ACME}&show=tenures`)).items.filter(
      (t) => t.person === CONFIRMED,
    );
    expect(tenure.start).toMatchObject({
      eventId: ids.confirmed,
      modality: 'confirmed',
      modalityFrom: null,
      corroboration: { confirms: 2, denies: 0 },
    });
    // The CSV says the same.
    const rows = async (params: string) =>
      (await csv(`/v1/reports/leadership?organization=${ACME}${params}`))
        .filter((r) => r.person === CONFIRMED)
        .map((r) => [r.modality, r.certain, r.modality_from_event_id]);
    expect(await rows('')).toEqual([['confirmed', 'true', '']]);
    expect(await rows(`&show=tenures`)).toEqual([['confirmed', '', '']]);
    expect(await rows(`&knownAt=${known.beforeConfirmations}`)).toEqual([['rumored', 'false', '']]);
  });

  it('denied later by the outlet that confirmed it: a rumour again from the denial on', async () => {
    const ben = async (params: Record<string, string> = {}) => (await roster(params)).filter((t) => t.person === WITHDRAWN);
    expect(await ben({ knownAt: known.beforeConfirmations })).toEqual([rumour(WITHDRAWN, 'Gossip Wire')]);
    expect(await ben({ knownAt: known.beforeWithdrawal })).toEqual([confirmed(WITHDRAWN, 'Gossip Wire')]);
    expect(await ben()).toEqual([rumour(WITHDRAWN, 'Gossip Wire')]);
    expect(await ben({ asOf: '2024-09-01' })).toEqual([rumour(WITHDRAWN, 'Gossip Wire')]);
    // Inside its month the start is uncertain anyway; after it, certain only while the confirmation stood.
    expect(await ben({ knownAt: known.beforeWithdrawal, asOf: '2024-03-15' })).toEqual([
      { ...confirmed(WITHDRAWN, 'Gossip Wire'), certain: false },
    ]);
    expect(await ben({ knownAt: known.beforeWithdrawal, asOf: '2024-04-01' })).toEqual([confirmed(WITHDRAWN, 'Gossip Wire')]);
    const csvRows = await csv(`/v1/reports/leadership?organization=${ACME}&show=tenures`);
    expect(csvRows.filter((r) => r.person === WITHDRAWN).map((r) => r.modality)).toEqual(['rumored']);
  });

  it('two outlets, one confirming and one denying: no count, the appointment stays a rumour', async () => {
    const cy = async (params: Record<string, string> = {}) => (await roster(params)).filter((t) => t.person === SPLIT);
    for (const params of [{}, { knownAt: known.beforeWithdrawal }, { asOf: '2024-09-01' }, { show: 'tenures' }] as Array<
      Record<string, string>
    >) {
      const [t] = await cy(params);
      expect(t).toMatchObject({ person: SPLIT, modality: 'rumored', modalityFrom: null });
      if (params.show !== 'tenures') expect(t.certain).toBe(false);
    }
    const rows = await csv(`/v1/reports/leadership?organization=${ACME}`);
    expect(rows.filter((r) => r.person === SPLIT).map((r) => [r.modality, r.certain])).toEqual([['rumored', 'false']]);
  });

  it('a rumour within the start’s date confirmed by a story: the start is confirmed, modalityFrom that rumour (even between two rumours of the run)', async () => {
    const dee = async (params: Record<string, string> = {}) => (await roster(params)).filter((t) => t.person === MIDDLE);
    const raised = {
      person: MIDDLE,
      certain: true,
      modality: 'confirmed',
      sources: ['Gossip Wire'],
      modalityFrom: { eventId: ids.middle, sources: ['Tech Blog'] },
    };
    expect(await dee()).toEqual([raised]);
    const { certain: _certain, ...recorded } = raised;
    expect(await dee({ show: 'tenures' })).toEqual([recorded]);
    expect(await dee({ asOf: '2024-08-01' })).toEqual([raised]);
    // As of a date before the confirmed rumour's, it does not count yet: a rumour, inside the start's month.
    expect(await dee({ asOf: '2024-06-15' })).toEqual([rumour(MIDDLE, 'Gossip Wire')]);
    expect(await dee({ knownAt: known.beforeConfirmations })).toEqual([rumour(MIDDLE, 'Gossip Wire')]);
    const rows = await csv(`/v1/reports/leadership?organization=${ACME}`);
    expect(rows.filter((r) => r.person === MIDDLE).map((r) => [r.modality, r.certain, r.modality_from_event_id])).toEqual([
      ['confirmed', 'true', ids.middle],
    ]);
  });
});
