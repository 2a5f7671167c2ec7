import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { claimsOf, conflictName } from '@newsroom/domain';
import { PgEventStore } from '@newsroom/event-store';
import { conflictIdOf, PROJECTION_NAMES, ProjectionRebuilder } from '@newsroom/projections';
import { createTestDatabase, TestDatabase } from '@newsroom/testing';
import { applyLog, readModelSnapshot } from './support/log-replay.util';
import { amendmentAppend, seedEnvelopes, storyAppends, toAppend } from '../../../tests/fixtures/story.fixture';

const SEED_LOSS = '0193b7f0-0000-7000-8000-000000000007'; // 30 billion USD, 2024-H1, actual
const MIRA = '0193b7f0-0000-7000-8000-000000000001'; // departed 2024-09
const H1_KEY = claimsOf({
  type: 'financial.loss_reported',
  subject: 'org:openai',
  occurredAt: '2024-H1',
  data: { money: { amount: '1', currency: 'USD' }, period: '2024-H1', basis: 'actual' },
})[0].key;

const loss = (id: string, amount: string, outlet: string) =>
  toAppend({
    id,
    type: 'financial.loss_reported',
    subject: 'org:openai',
    occurredAt: '2024-H1',
    data: { money: { amount, currency: 'USD' }, period: '2024-H1', basis: 'actual' },
    sources: [{ outlet, language: 'en' }],
  });

interface Row {
  conflict_id: string;
  status: string;
  closed_by: string | null;
  a_event_id: string;
  b_event_id: string;
  fields: string[];
  standing_event_id: string | null;
  resolution_reason: string | null;
}

/**
 * Contradictions on real Postgres: two outlets' different loss figures for one half-year open a conflict, a third
 * agreeing with one side opens one with the other only, a correction that makes the sides agree closes it, an
 * editor's resolution closes one naming the side that stands, a retraction closes another, a departure on another
 * date conflicts; applying the log event by event and rebuilding it from the store give the same tables.
 */
describe('conflicts read model: incremental equals rebuild (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PgEventStore;
  const other = randomUUID(); // 5 billion, Second Wire
  const agreeing = randomUUID(); // 30 billion, Third Post: agrees with the seed
  const later = randomUUID(); // 7 billion, Fourth Daily: corrected to 30 billion later
  const miraLate = randomUUID();
  const resolution = randomUUID();

  const rows = async (): Promise<Row[]> =>
    ds.query(
      `SELECT conflict_id, status, closed_by, a_event_id, b_event_id, fields, standing_event_id, resolution_reason
       FROM read_model.conflicts ORDER BY opened_position, conflict_id`,
    );

  beforeAll(async () => {
    db = await createTestDatabase('conflicts');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    store = new PgEventStore(db.pool);
    await store.appendMany(storyAppends(seedEnvelopes()));
    await store.append(loss(other, '5000000000', 'Second Wire'));
    await store.append(loss(agreeing, '30000000000', 'Third Post'));
    await store.append(loss(later, '7000000000', 'Fourth Daily'));
    await store.append(
      amendmentAppend('org:openai', 'corrected', later, {
        changes: { data: { money: { amount: '30000000000', currency: 'USD' } } },
        reason: 'misread',
      }),
    );
    await store.append(
      toAppend({
        id: resolution,
        type: 'conflict.resolved',
        subject: 'org:openai',
        occurredAt: null,
        data: {
          conflictId: conflictIdOf(conflictName(H1_KEY, SEED_LOSS, other)),
          standingEventId: SEED_LOSS,
          otherEventId: other,
          reason: 'the filing',
        },
        sources: [],
      }),
    );
    await store.append(amendmentAppend('org:openai', 'retracted', other, { reason: 'the outlet withdrew it' }));
    await store.append(
      toAppend({
        id: miraLate,
        type: 'executive.departed',
        subject: 'person:mira-murati',
        occurredAt: '2024-11',
        data: { organization: 'org:openai', role: 'Chief Technology Officer', roleCategory: 'c-suite' },
        sources: [{ outlet: 'Late Gazette', language: 'en' }],
      }),
    );
    // Applied in batches of three, in log order (what the live projector does per partition).
    await applyLog(store, ds, { pageSize: 3, batched: true });
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('opens one conflict per disagreeing pair and closes each the way it ended', async () => {
    const byPair = new Map((await rows()).map((r) => [[r.a_event_id, r.b_event_id].join(' '), r]));
    expect(byPair.get(`${SEED_LOSS} ${other}`)).toMatchObject({
      status: 'resolved',
      closed_by: 'editor',
      standing_event_id: SEED_LOSS,
      resolution_reason: 'the filing',
      fields: ['amount'],
    });
    // The seed and Third Post agree: no conflict between them; Third Post and Second Wire do, until the retraction.
    expect(byPair.has(`${SEED_LOSS} ${agreeing}`)).toBe(false);
    expect(byPair.get(`${other} ${agreeing}`)).toMatchObject({
      status: 'resolved',
      closed_by: 'retraction',
      resolution_reason: 'the outlet withdrew it',
    });
    // Fourth Daily disagreed with the seed and Third Post until its correction; with Second Wire it still disagreed, until the retraction.
    expect(byPair.get(`${SEED_LOSS} ${later}`)).toMatchObject({
      status: 'resolved',
      closed_by: 'correction',
      resolution_reason: 'misread',
    });
    expect(byPair.get(`${agreeing} ${later}`)).toMatchObject({ status: 'resolved', closed_by: 'correction' });
    expect(byPair.get(`${other} ${later}`)).toMatchObject({ status: 'resolved', closed_by: 'retraction' });
    expect(byPair.get(`${MIRA} ${miraLate}`)).toMatchObject({ status: 'open', fields: ['occurredAt'] });
    expect(byPair.size).toBe(6);
  });

  it('the reporting view shows the same conflicts', async () => {
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM reporting.conflicts WHERE status = 'open'`);
    expect(n).toBe(1);
  });

  it('a rebuild from the event store gives the same tables as the incremental fold', async () => {
    const incremental = await readModelSnapshot(ds);
    await new ProjectionRebuilder(ds).rebuild({
      projections: PROJECTION_NAMES,
      topic: 'conflicts-test',
      partitions: [0],
      concurrency: 2,
      batchSize: 5,
    });
    expect(await readModelSnapshot(ds)).toEqual(incremental);
  });
});
