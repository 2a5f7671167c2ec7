import { randomUUID } from 'node:crypto';
import { Pool, PoolClient } from 'pg';
import { PgEventStore } from '@newsroom/event-store';
import { createTestDatabase, eventToAppend, TestDatabase } from '@newsroom/testing';
import { stateStatementName } from '../src/write-reads.service';

/**
 * The read every write starts with is a prepared statement, and a prepared statement keeps the plan it made until
 * ANALYZE changes the tables' statistics. A store that starts empty must not keep reading with a plan made on an
 * empty log (a scan of the events table), whatever autovacuum has or has not done yet.
 */
describe('PgEventStore: the reads a write starts from are planned again as the log grows', () => {
  let db: TestDatabase;
  let pool: Pool;
  let store: PgEventStore;
  let client: PoolClient | undefined;

  const reads = async (times: number) => {
    for (let i = 0; i < times; i++) {
      await store.readWriteState(
        ['org:plans', `org:plans-${i}`],
        Array.from({ length: 16 }, () => randomUUID()),
        [randomUUID()],
      );
    }
  };
  /** The generic plan of a statement prepared on the store's one connection, as EXPLAIN prints it. */
  const genericPlan = async (name: string) => {
    await client!.query('SET plan_cache_mode = force_generic_plan');
    try {
      const { rows } = await client!.query(`EXPLAIN EXECUTE ${name}('{org:plans}', '{${randomUUID()}}', '{}')`);
      return rows.map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN']).join('\n');
    } finally {
      await client!.query('RESET plan_cache_mode');
    }
  };
  const prepared = async () =>
    (await client!.query(`SELECT name FROM pg_prepared_statements WHERE name LIKE 'newsroom_write_state%' ORDER BY prepare_time`)).rows.map(
      (r: { name: string }) => r.name,
    );

  beforeAll(async () => {
    db = await createTestDatabase('write_state_plans');
    // One connection: the statements the store prepares are the ones this test inspects.
    pool = new Pool({ connectionString: db.url, max: 1 });
    store = new PgEventStore(pool);
  });
  afterAll(async () => {
    client?.release();
    await pool.end();
    await db.drop();
  });

  it('names the statement anew each time the log doubles, from 256 events', () => {
    expect([0, 1, 255].map(stateStatementName)).toEqual(Array(3).fill('newsroom_write_state_v1'));
    expect(stateStatementName(256)).toBe('newsroom_write_state_v1_g1');
    expect(stateStatementName(767)).toBe('newsroom_write_state_v1_g1');
    expect(stateStatementName(768)).toBe('newsroom_write_state_v1_g2');
    expect(stateStatementName(1_000_000)).toBe('newsroom_write_state_v1_g11');
  });

  it('reads the ids a write brings by the index once the log has grown, not with the plan it made on an empty log', async () => {
    // On the empty log: past five runs, Postgres makes and keeps the statement's generic plan.
    await reads(8);
    for (let i = 0; i < 30; i++) {
      await store.append({
        streamId: `org:plans-fill-${i}`,
        expectedVersion: 0,
        events: Array.from({ length: 100 }, () => eventToAppend()),
      });
    }
    await reads(8);
    // What it answers is unchanged: the heads of the streams asked.
    const answer = await store.readWriteState(['org:plans-fill-3'], [], []);
    expect(answer.heads.get('org:plans-fill-3')).toEqual({ version: 100, state: null });

    client = await pool.connect();
    const names = await prepared();
    const current = names[names.length - 1];
    expect(current).toBe(stateStatementName(3000));
    const plan = await genericPlan(current);
    expect(plan).toContain('events_event_id_key');
    expect(plan).not.toMatch(/Seq Scan on events/);
  });
});
