import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { PROJECTION_NAMES, ProjectionRebuilder } from '@newsroom/projections';
import { createTestDatabase, pastMillisecondOf, TestDatabase } from '@newsroom/testing';
import { applyLog, readModelSnapshot } from '../../../libs/projections/test/support/log-replay.util';
import { amendmentAppend, toAppend } from '../../../tests/fixtures/story.fixture';
import { ConflictStates1764902730000 } from '../../../infra/postgres/migrations/1764902730000-conflict-states.migration';
import { ConflictStateSides1764902740000 } from '../../../infra/postgres/migrations/1764902740000-conflict-state-sides.migration';
import { FeedRepository } from '../src/feed/feed.repository';
import { figureConflict } from './support/figure-conflict.fixture';
import { reportsReader, startReportsApp } from './support/reports-app.harness';

const ORG = 'org:reopen-corp';
const A = '0193c100-0000-7000-8000-00000000000a'; // 5 billion, Example Daily
const B = '0193c100-0000-7000-8000-00000000000b'; // 6 billion, Second Wire
const { figure: loss, conflictOf } = figureConflict('financial.loss_reported', ORG, '2024-H1');
const CONFLICT = conflictOf(A, B);

interface Conflict {
  conflictId: string;
  status: string;
  openedEventId: string;
  closedAt: string | null;
  resolution: { by: string; eventId: string; standingEventId: string | null; reason: string | null } | null;
}

/**
 * A conflict that reopens keeps its history (the fiftieth session's testers), on read models folded from a real
 * Postgres log: two outlets' loss figures disagree (opens, T1), an editor decides (closes, T2), a correction moves the
 * standing figure and the sides still disagree (reopens, T3), the editor decides again (T4). The report at a knownAt
 * in each period shows the conflict as it stood then, the feed's history resumed from before T1 lists each opening and
 * closing on its own item, and a rebuild from the log gives the same rows and answers.
 */
describe('a conflict that reopens: the report at each knownAt and the feed history (real Postgres, HTTP)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PgEventStore;
  let app: INestApplication;
  let base: string;
  const at: string[] = []; // an instant in each period: before T1, T1-T2, T2-T3, T3-T4, after T4
  const ids = { firstResolution: '', correction: '', secondResolution: '' };
  let beforeT1 = '';

  const { json } = reportsReader(() => base);
  const report = async (params: string) =>
    (await json<{ items: Conflict[] }>(`/v1/reports/conflicts?subject=${ORG}${params}`)).items.map((c) => ({
      conflictId: c.conflictId,
      status: c.status,
      openedEventId: c.openedEventId,
      closed: c.closedAt !== null,
      resolution: c.resolution && [c.resolution.by, c.resolution.eventId, c.resolution.standingEventId, c.resolution.reason],
    }));
  const ofStatus = async (knownAt: string, status: string) =>
    (await report(`&knownAt=${encodeURIComponent(knownAt)}&status=${status}`)).map((c) => c.conflictId);
  const history = async () => {
    await ds.query(`UPDATE read_model.feed_watermark SET position = (SELECT max(position) FROM read_model.feed_items) WHERE id = 1`);
    const { items } = await new FeedRepository(ds).page({ types: null, subjects: [ORG], organization: null }, beforeT1, 100);
    return items.filter((i) => i.conflictUpdates.length).map((i) => [i.eventId, i.conflictUpdates.map((u) => [u.change, u.closedBy])]);
  };
  const answers = async () => ({
    periods: await Promise.all(at.map((k) => report(`&knownAt=${encodeURIComponent(k)}`))),
    now: await report(''),
    history: await history(),
  });

  beforeAll(async () => {
    db = await createTestDatabase('conflict_reopens');
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
    const resolution = (reason: string, standing: string) =>
      append({
        type: 'conflict.resolved',
        subject: ORG,
        occurredAt: null,
        data: { conflictId: CONFLICT, standingEventId: standing, otherEventId: standing === A ? B : A, reason },
        sources: [],
      });
    beforeT1 = (await append(loss(A, '5000000000', 'Example Daily'))).globalPosition;
    await instant();
    await append(loss(B, '6000000000', 'Second Wire'));
    await instant();
    ids.firstResolution = (await resolution('the audited accounts say 5 billion', A)).eventId;
    await instant();
    ids.correction = (
      await append(
        amendmentAppend(ORG, 'corrected', A, {
          changes: { data: { money: { amount: '5500000000', currency: 'USD' } } },
          reason: 'restated',
        }),
      )
    ).eventId;
    await instant();
    ids.secondResolution = (await resolution('the restatement is not sourced', B)).eventId;
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

  it('answers the conflict at each knownAt as it stood then: open, resolved by the first decision, open again, resolved again', async () => {
    const open = (openedEventId: string) => [{ conflictId: CONFLICT, status: 'open', openedEventId, closed: false, resolution: null }];
    const resolved = (openedEventId: string, eventId: string, standing: string, reason: string) => [
      { conflictId: CONFLICT, status: 'resolved', openedEventId, closed: true, resolution: ['editor', eventId, standing, reason] },
    ];
    const [before, t1, t2, t3, t4] = await Promise.all(at.map((k) => report(`&knownAt=${encodeURIComponent(k)}`)));
    expect(before).toEqual([]);
    expect(t1).toEqual(open(B));
    expect(t2).toEqual(resolved(B, ids.firstResolution, A, 'the audited accounts say 5 billion'));
    expect(t3).toEqual(open(ids.correction));
    expect(t4).toEqual(resolved(ids.correction, ids.secondResolution, B, 'the restatement is not sourced'));
    expect(await report('')).toEqual(t4);
    // status= filters on the state at knownAt.
    expect(await ofStatus(at[1], 'open')).toEqual([CONFLICT]);
    expect(await ofStatus(at[2], 'open')).toEqual([]);
    expect(await ofStatus(at[2], 'resolved')).toEqual([CONFLICT]);
    expect(await ofStatus(at[3], 'open')).toEqual([CONFLICT]);
  });

  it("marks the facts' conflictsWith as the conflict stood at each knownAt", async () => {
    const marks = async (knownAt: string) =>
      (
        await json<{ items: Array<{ factId: string; conflictsWith: string[] }> }>(
          `/v1/reports/financials?organization=${ORG}&knownAt=${encodeURIComponent(knownAt)}`,
        )
      ).items.map((i) => i.conflictsWith);
    expect(await marks(at[1])).toEqual([[CONFLICT], [CONFLICT]]);
    expect(await marks(at[2])).toEqual([[], []]);
    expect(await marks(at[3])).toEqual([[CONFLICT], [CONFLICT]]);
    expect(await marks(at[4])).toEqual([[], []]);
  });

  it('lists each opening and closing in the feed history resumed from before the first opening, as a connected subscriber got them', async () => {
    expect(await history()).toEqual([
      [B, [['opened', null]]],
      [ids.firstResolution, [['closed', 'editor']]],
      [ids.correction, [['opened', null]]],
      [ids.secondResolution, [['closed', 'editor']]],
    ]);
  });

  it('a rebuild from the event store gives the same conflict states and the same answers', async () => {
    const incremental = await readModelSnapshot(ds);
    const before = await answers();
    await new ProjectionRebuilder(ds).rebuild({
      projections: PROJECTION_NAMES,
      topic: 'conflict-reopens-test',
      partitions: [0],
      concurrency: 2,
      batchSize: 2,
    });
    const rebuilt = await readModelSnapshot(ds);
    for (const t of ['conflicts', 'conflict_states']) expect({ t, rows: rebuilt[t] }).toEqual({ t, rows: incremental[t] });
    expect(rebuilt.conflict_states).toHaveLength(4);
    expect(await answers()).toEqual(before);
  });

  it('the migration fills the states a database kept (the last opening and closing) and queues a fold of the conflicts, which gives each state back', async () => {
    const full = await answers();
    const states = async () =>
      (await ds.query(`SELECT status, opened_event_id, closed_event_id FROM read_model.conflict_states ORDER BY from_position`)).map(
        (r: { status: string; opened_event_id: string; closed_event_id: string | null }) => [
          r.status,
          r.opened_event_id,
          r.closed_event_id,
        ],
      );
    const backfills = async () =>
      (await ds.query(`SELECT projection FROM read_model.projection_backfills`)).map((r: { projection: string }) => r.projection);
    // 1764902740000 (the sides kept with each state) is undone first and done again after, as a migration run would.
    const [migration, sides] = [new ConflictStates1764902730000(), new ConflictStateSides1764902740000()];
    const runner = ds.createQueryRunner();
    try {
      await sides.down(runner);
      await migration.down(runner);
      await migration.up(runner);
      await sides.up(runner);
    } finally {
      await runner.release();
    }
    // What read_model.conflicts held: the reopening and the second decision; the log holds more, so a fold is queued
    // (answers say Newsroom-Partial: conflicts until it is done).
    expect(await states()).toEqual([
      ['open', ids.correction, null],
      ['resolved', ids.correction, ids.secondResolution],
    ]);
    expect(await backfills()).toEqual(['conflicts']);
    await new ProjectionRebuilder(ds).rebuild({ projections: ['conflicts'], topic: 'conflict-reopens-test', partitions: [0] });
    expect(await backfills()).toEqual([]);
    expect(await states()).toHaveLength(4);
    expect(await answers()).toEqual(full);
  });
});
