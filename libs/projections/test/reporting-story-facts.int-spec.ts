import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { claimsOf, conflictName } from '@newsroom/domain';
import { PgEventStore } from '@newsroom/event-store';
import { conflictIdOf } from '@newsroom/projections';
import { createTestDatabase, TestDatabase } from '@newsroom/testing';
import { StoryFactsOnly1764902000000 } from '../../../infra/postgres/migrations/1764902000000-story-facts-only.migration';
import { applyLog } from './support/log-replay.util';
import { amendmentAppend, sourcingAppend, toAppend } from '../../../tests/fixtures/story.fixture';

const H1 = { period: '2024-H1', basis: 'actual' } as const;
const KEY = claimsOf({
  type: 'financial.loss_reported',
  subject: 'org:t14-acme',
  occurredAt: '2024-H1',
  data: { money: { amount: '1', currency: 'USD' }, ...H1 },
})[0].key;

const loss = (id: string, amount: string, outlet: string) =>
  toAppend({
    id,
    type: 'financial.loss_reported',
    subject: 'org:t14-acme',
    occurredAt: '2024-H1',
    data: { money: { amount, currency: 'USD' }, ...H1 },
    sources: [{ outlet, language: 'en' }],
  });
const editorial = (type: string, subject: string, data: unknown) => toAppend({ type, subject, occurredAt: null, data, sources: [] });

interface ViewRow {
  fact_id: string;
  event_type: string;
  outlets: number;
  confirms: number;
}

/**
 * `reporting.fact_corroboration` as an analyst counts facts by type from it: story facts only. The tester found an
 * editor's conflict resolution listed as a fact with its standing fact's outlets; entity merges and alias names were
 * listed too (with none), as would any record that is not a story fact. Corrections, retractions and attached sources
 * never were; a retracted fact still is not.
 */
describe('reporting.fact_corroboration lists story facts only (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PgEventStore;
  const standing = randomUUID(); // 30 billion, Wire A; confirmed by Third Post later
  const other = randomUUID(); // 5 billion, Wire B: in contradiction, corrected later
  const gone = randomUUID(); // retracted

  const view = async (): Promise<ViewRow[]> =>
    ds.query(`SELECT fact_id, event_type, outlets::int, confirms::int FROM reporting.fact_corroboration ORDER BY event_type, fact_id`);
  const factsByType = async (): Promise<Array<{ event_type: string; facts: number }>> =>
    ds.query(`SELECT event_type, count(*)::int AS facts FROM reporting.fact_corroboration GROUP BY event_type ORDER BY event_type`);

  beforeAll(async () => {
    db = await createTestDatabase('reporting_story_facts');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    store = new PgEventStore(db.pool);
    await store.append(loss(standing, '30000000000', 'Wire A'));
    await store.append(loss(other, '5000000000', 'Wire B'));
    await store.append(loss(gone, '1000', 'Wire C'));
    await store.append(sourcingAppend('org:t14-acme', standing, { outlet: 'Third Post', language: 'en' }, 'confirms'));
    await store.append(
      editorial('conflict.resolved', 'org:t14-acme', {
        conflictId: conflictIdOf(conflictName(KEY, standing, other)),
        standingEventId: standing,
        otherEventId: other,
        reason: 'the filing',
      }),
    );
    await store.append(
      amendmentAppend('org:t14-acme', 'corrected', other, { changes: { data: { basis: 'projected' } }, reason: 'a projection' }),
    );
    await store.append(amendmentAppend('org:t14-acme', 'retracted', gone, { reason: 'never reported' }));
    await store.append(editorial('entity.aliased', 'org:t14-acme', { name: 'Acme Corp' }));
    await store.append(editorial('entity.merged', 'org:t14-acme-inc', { into: 'org:t14-acme', reason: 'one company' }));
    await applyLog(store, ds, { pageSize: 100, batched: true });
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it("counts the standing story facts by type, not the editors' decisions, merges or alias names", async () => {
    expect(await factsByType()).toEqual([{ event_type: 'financial.loss_reported', facts: 2 }]);
    expect(await view()).toEqual(
      [
        { fact_id: standing, event_type: 'financial.loss_reported', outlets: 2, confirms: 2 },
        { fact_id: other, event_type: 'financial.loss_reported', outlets: 1, confirms: 1 },
      ].sort((a, b) => a.fact_id.localeCompare(b.fact_id)),
    );
  });

  it('replaces the view the version before made (which listed them), and its down migration brings that back', async () => {
    const runner = ds.createQueryRunner();
    const migration = new StoryFactsOnly1764902000000();
    try {
      await migration.down(runner);
      expect(await factsByType()).toEqual([
        { event_type: 'conflict.resolved', facts: 1 },
        { event_type: 'entity.aliased', facts: 1 },
        { event_type: 'entity.merged', facts: 1 },
        { event_type: 'financial.loss_reported', facts: 2 },
      ]);
      await migration.up(runner);
    } finally {
      await runner.release();
    }
    expect(await factsByType()).toEqual([{ event_type: 'financial.loss_reported', facts: 2 }]);
    // create_views() (what a rebuild's swap runs) makes the new body again.
    await ds.query(`SELECT reporting.create_views()`);
    expect(await factsByType()).toEqual([{ event_type: 'financial.loss_reported', facts: 2 }]);
    const [{ comment }] = await ds.query(`SELECT obj_description('reporting.fact_corroboration'::regclass) AS comment`);
    expect(comment).toMatch(/^Per standing story fact \(not an editor's record/);
  });
});
