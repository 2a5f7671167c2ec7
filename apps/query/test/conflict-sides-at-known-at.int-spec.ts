import { INestApplication } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { PROJECTION_NAMES, ProjectionRebuilder } from '@newsroom/projections';
import { createTestDatabase, pastMillisecondOf, reportingColumns, TestDatabase, withMigrationUndone } from '@newsroom/testing';
import { applyLog, readModelSnapshot } from '../../../libs/projections/test/support/log-replay.util';
import { amendmentAppend, toAppend } from '../../../tests/fixtures/story.fixture';
import { ConflictStateSides1764902740000 } from '../../../infra/postgres/migrations/1764902740000-conflict-state-sides.migration';
import { FeedRepository } from '../src/feed/feed.repository';
import { figureConflict } from './support/figure-conflict.fixture';
import { reportsReader, startReportsApp } from './support/reports-app.harness';

const ORG = 'org:sides-corp';
const A = '0193c200-0000-7000-8000-00000000000a'; // 30 billion, Example Daily
const B = '0193c200-0000-7000-8000-00000000000b'; // 35 billion, Second Wire (corrected to 33, then to 30)
const { figure: revenue, conflictOf } = figureConflict('revenue.reported', ORG, '2024');
const CONFLICT = conflictOf(A, B);

interface Side {
  eventId: string;
  headline: string | null;
  value: { amount?: string };
  sources: Array<{ outlet: string }>;
}
interface Conflict {
  conflictId: string;
  status: string;
  fields: string[];
  sides: Side[];
}

/**
 * A conflict's sides at a knownAt are the ones then (the fifty-eighth session's known limit), on read models folded
 * from a real Postgres log: two outlets give 2024 revenue 30 vs 35 billion (opens, T1); a correction moves the 35 to
 * 33 (still disagreeing: open with new values, T2); a second one moves it to 30 (the sides agree: closed, T3). The
 * report at a knownAt in each period (JSON and CSV) shows the values, headlines and outlets then; now shows the last;
 * `reporting.conflict_states` has a row per state; the feed lists the opening and the closing only.
 */
describe('a conflict whose side is corrected: its sides at each knownAt (real Postgres, HTTP)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PgEventStore;
  let app: INestApplication;
  let base: string;
  const at: string[] = []; // an instant in each period: before T1, T1-T2, T2-T3, after T3
  const ids = { first: '', second: '' };
  let beforeT1 = '';

  const { get, json } = reportsReader(() => base);
  const report = async (knownAt: string | null) =>
    (
      await json<{ items: Conflict[] }>(`/v1/reports/conflicts?subject=${ORG}${knownAt ? `&knownAt=${encodeURIComponent(knownAt)}` : ''}`)
    ).items.map((c) => ({
      conflictId: c.conflictId,
      status: c.status,
      fields: c.fields,
      sides: c.sides.map((s) => [s.eventId, s.value.amount, s.headline, s.sources.map((o) => o.outlet)]),
    }));
  const csv = async (knownAt: string) => {
    const res = await get(`/v1/reports/conflicts?subject=${ORG}&knownAt=${encodeURIComponent(knownAt)}&format=csv`);
    const [header, ...rows]: string[][] = parse(await res.text(), { record_delimiter: '\r\n' });
    return rows.map((r) => ['status', 'a_value', 'b_value', 'b_headline'].map((h) => r[header.indexOf(h)]));
  };
  const answers = async () => ({
    periods: await Promise.all(at.map((k) => report(k))),
    csv: await Promise.all(at.slice(1).map((k) => csv(k))),
    now: await report(null),
  });
  const view = async (): Promise<unknown[][]> =>
    (
      await ds.query(
        `SELECT status, change, a_value->>'amount' AS a, b_value->>'amount' AS b, fields, from_at, to_at
         FROM reporting.conflict_states WHERE conflict_id = $1 ORDER BY from_position`,
        [CONFLICT],
      )
    ).map((r: { status: string; change: string; a: string; b: string; fields: string[]; from_at: Date; to_at: Date | null }) => [
      r.status,
      r.change,
      r.a,
      r.b,
      r.fields,
      r.from_at.toISOString(),
      r.to_at?.toISOString() ?? null,
    ]);
  const recordedAt = async (eventId: string) => {
    const [row]: Array<{ recorded_at: Date }> = await ds.query(`SELECT recorded_at FROM event_store.events WHERE event_id = $1`, [eventId]);
    return row.recorded_at.toISOString();
  };

  beforeAll(async () => {
    db = await createTestDatabase('conflict_sides');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    store = new PgEventStore(db.pool);
    const append = async (e: Parameters<typeof toAppend>[0] | ReturnType<typeof amendmentAppend>) => {
      const [stored] = await store.append('streamId' in e ? e : toAppend(e));
      await pastMillisecondOf(stored.recordedAt);
      return stored;
    };
    const instant = async () => {
      at.push(new Date().toISOString());
      await pastMillisecondOf(at[at.length - 1]);
    };
    const correctB = async (amount: string) =>
      (
        await append(
          amendmentAppend(ORG, 'corrected', B, { changes: { data: { money: { amount, currency: 'USD' } } }, reason: 'restated' }),
        )
      ).eventId;
    beforeT1 = (await append(revenue(A, '30000000000', 'Example Daily'))).globalPosition;
    await instant();
    await append(revenue(B, '35000000000', 'Second Wire'));
    await instant();
    ids.first = await correctB('33000000000');
    await instant();
    ids.second = await correctB('30000000000');
    await instant();
    // Event by event, as the live projector folds a partition's batches.
    await applyLog(store, ds, { pageSize: 1, batched: true });
    ({ app, base } = await startReportsApp(ds));
  });

  afterAll(async () => {
    await app?.close();
    await ds?.destroy();
    await db?.drop();
  });

  const side = (id: string, amount: string, outlet: string) => [id, amount, [outlet]];
  const state = (status: string, b: string) => ({
    conflictId: CONFLICT,
    status,
    fields: ['amount'],
    sides: [side(A, '30000000000', 'Example Daily'), side(B, b, 'Second Wire')],
  });

  it('answers each side at each knownAt with its value, headline and outlets then, and now with the latest', async () => {
    const periods = await Promise.all(at.map((k) => report(k)));
    expect(periods.map((p) => p.map((c) => ({ ...c, sides: c.sides.map((s) => [s[0], s[1], s[3]]) })))).toEqual([
      [],
      [state('open', '35000000000')],
      [state('open', '33000000000')],
      [state('resolved', '30000000000')],
    ]);
    // Each side's headline says its value then, never another figure.
    const headlines = periods.slice(1).map((p) => p[0].sides.map((s) => String(s[2])));
    expect(headlines.map((h) => h.map((t) => t.match(/\$?(\d+(?:\.\d+)?)\s*(?:B|billion)/i)?.[1] ?? t))).toEqual([
      ['30', '35'],
      ['30', '33'],
      ['30', '30'],
    ]);
    expect(await report(null)).toEqual(periods[3]);
  });

  it('gives the same values in the CSV at each knownAt', async () => {
    const rows = await Promise.all(at.slice(1).map((k) => csv(k)));
    expect(rows.map((r) => r.map((c) => c.slice(0, 3)))).toEqual([
      [['open', '30000000000 USD', '35000000000 USD']],
      [['open', '30000000000 USD', '33000000000 USD']],
      [['resolved', '30000000000 USD', '30000000000 USD']],
    ]);
    expect(rows[0][0][3]).toContain('35');
    expect(rows[1][0][3]).toContain('33');
  });

  it('lists every state in reporting.conflict_states, each from when it began until the next', async () => {
    const [opened, first, second] = [await recordedAt(B), await recordedAt(ids.first), await recordedAt(ids.second)];
    expect(await view()).toEqual([
      ['open', 'opened', '30000000000', '35000000000', ['amount'], opened, first],
      ['open', 'sides', '30000000000', '33000000000', ['amount'], first, second],
      ['resolved', 'closed', '30000000000', '30000000000', ['amount'], second, null],
    ]);
    // As known at K, one row a conflict, the report's values.
    const asKnownAt = async (k: string) =>
      (
        await ds.query(
          `SELECT status, b_value->>'amount' AS b FROM reporting.conflict_states
           WHERE conflict_id = $1 AND from_at <= $2 AND (to_at IS NULL OR to_at > $2)`,
          [CONFLICT, k],
        )
      ).map((r: { status: string; b: string }) => [r.status, r.b]);
    expect(await Promise.all(at.map(asKnownAt))).toEqual([
      [],
      [['open', '35000000000']],
      [['open', '33000000000']],
      [['resolved', '30000000000']],
    ]);
  });

  it("lists the opening and the closing in the feed history, not the correction that moved a side's value", async () => {
    await ds.query(`UPDATE read_model.feed_watermark SET position = (SELECT max(position) FROM read_model.feed_items) WHERE id = 1`);
    const { items } = await new FeedRepository(ds).page({ types: null, subjects: [ORG], organization: null }, beforeT1, 100);
    expect(
      items.filter((i) => i.conflictUpdates.length).map((i) => [i.eventId, i.conflictUpdates.map((u) => [u.change, u.closedBy])]),
    ).toEqual([
      [B, [['opened', null]]],
      [ids.second, [['closed', 'correction']]],
    ]);
  });

  it('a rebuild from the event store gives the same states and the same answers', async () => {
    const incremental = await readModelSnapshot(ds);
    const before = await answers();
    await new ProjectionRebuilder(ds).rebuild({
      projections: PROJECTION_NAMES,
      topic: 'conflict-sides-test',
      partitions: [0],
      concurrency: 2,
      batchSize: 2,
    });
    const rebuilt = await readModelSnapshot(ds);
    expect(rebuilt.conflict_states).toEqual(incremental.conflict_states);
    expect(await answers()).toEqual(before);
  });

  it('the migration fills the kept states with the sides as they stand, queues a fold of the conflicts that gives each its own back, and goes down and up again', async () => {
    const full = await answers();
    const backfills = async () =>
      (await ds.query(`SELECT projection FROM read_model.projection_backfills`)).map((r: { projection: string }) => r.projection);
    const columns = await reportingColumns(ds, 'conflict_states');
    const migration = new ConflictStateSides1764902740000();
    await withMigrationUndone(ds, migration, async () => {
      // Down: no view, and the states of the openings and closings only (the correction's own is gone).
      expect(await reportingColumns(ds, 'conflict_states')).toEqual([]);
      expect(await ds.query(`SELECT count(*)::int AS n FROM read_model.conflict_states`)).toEqual([{ n: 2 }]);
    });
    expect(await reportingColumns(ds, 'conflict_states')).toEqual(columns);
    // Up on a database with kept states: each has the sides as they stand (30 vs 30) until the fold, queued because a
    // side was corrected after the conflict opened.
    expect((await view()).map((r) => r.slice(0, 4))).toEqual([
      ['open', 'opened', '30000000000', '30000000000'],
      ['resolved', 'closed', '30000000000', '30000000000'],
    ]);
    expect(await backfills()).toEqual(['conflicts']);
    await new ProjectionRebuilder(ds).rebuild({ projections: ['conflicts'], topic: 'conflict-sides-test', partitions: [0] });
    expect(await backfills()).toEqual([]);
    expect(await view()).toHaveLength(3);
    expect(await answers()).toEqual(full);
  });
});
