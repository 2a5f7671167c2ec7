import { randomUUID } from 'node:crypto';
import { Pool, PoolClient } from 'pg';
import { EVENT_STORE_SERVER_SETTINGS, PgEventStore, WriteStateReads } from '@newsroom/event-store';
import { createPgPool, DEFAULT_PG_TIMEOUTS } from '@newsroom/platform';
import { createTestDatabase, eventToAppend, TestDatabase } from '@newsroom/testing';
import { stateStatementName } from '../src/write-reads.service';

const STREAMS = 1500;

/**
 * The statements every write runs are prepared, planned once per connection with the ingest's settings
 * (EVENT_STORE_SERVER_SETTINGS), and a prepared statement keeps its plan until ANALYZE changes the tables'
 * statistics. So a store that starts empty must not keep reading with a plan made on an empty log (a scan of the
 * events table), whatever autovacuum has or has not done yet, and the plan must probe each asked stream, not hash
 * the streams table.
 */
describe('PgEventStore: the statements a write runs are planned once, and again as the log grows', () => {
  let db: TestDatabase;
  let pool: Pool;
  let store: PgEventStore;
  let client: PoolClient | undefined;
  let answer: WriteStateReads;

  const reads = async (times: number) => {
    for (let i = 0; i < times; i++) {
      await store.readWriteState(
        ['org:plans', `org:plans-${i}`],
        Array.from({ length: 16 }, () => randomUUID()),
        [randomUUID()],
      );
    }
  };
  /** The plan a statement prepared on the store's one connection runs with, as EXPLAIN prints it. */
  const plan = async (name: string) => {
    const { rows } = await client!.query(`EXPLAIN EXECUTE ${name}('{org:plans}', '{${randomUUID()}}', '{}')`);
    return rows.map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN']).join('\n');
  };
  const prepared = async () =>
    (
      await client!.query(
        `SELECT name, generic_plans::int, custom_plans::int FROM pg_prepared_statements WHERE name LIKE 'newsroom_%' ORDER BY prepare_time`,
      )
    ).rows as Array<{ name: string; generic_plans: number; custom_plans: number }>;

  beforeAll(async () => {
    db = await createTestDatabase('write_state_plans');
    // One connection, set up as the ingest's: the statements the store prepares are the ones this test inspects.
    pool = createPgPool(db.url, 1, 'write-state-plans-test', DEFAULT_PG_TIMEOUTS, EVENT_STORE_SERVER_SETTINGS);
    store = new PgEventStore(pool);
    // On the empty log, then on a log of 3,000 events in 1,500 streams, appended by this store.
    await reads(8);
    for (let at = 0; at < STREAMS; at += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, k) =>
          store.append({ streamId: `org:plans-fill-${at + k}`, expectedVersion: 0, events: [eventToAppend(), eventToAppend()] }),
        ),
      );
    }
    await reads(8);
    answer = await store.readWriteState(['org:plans-fill-3', 'org:never'], [], []);
    client = await pool.connect();
  });
  afterAll(async () => {
    client?.release();
    await pool.end();
    await db.drop();
  });

  it('names the reads anew each time the log doubles, from 256 events', () => {
    expect([0, 1, 255].map(stateStatementName)).toEqual(Array(3).fill('newsroom_write_state_v1'));
    expect(stateStatementName(256)).toBe('newsroom_write_state_v1_g1');
    expect(stateStatementName(767)).toBe('newsroom_write_state_v1_g1');
    expect(stateStatementName(768)).toBe('newsroom_write_state_v1_g2');
    expect(stateStatementName(1_000_000)).toBe('newsroom_write_state_v1_g11');
  });

  it('reads by the indexes once the log has grown: the ids a write brings, and each asked stream by its key', async () => {
    const names = (await prepared()).map((p) => p.name).filter((n) => n.startsWith('newsroom_write_state'));
    const current = names[names.length - 1];
    expect(current).toBe(stateStatementName(2 * STREAMS));
    const text = await plan(current);
    expect(text).toContain('events_event_id_key');
    expect(text).toContain('streams_pkey');
    expect(text).toContain('stream_states_pkey');
    expect(text).not.toMatch(/Seq Scan on (events|streams|stream_states)\b/);
    // What it answers is unchanged: the heads of the streams asked, known or not.
    expect(answer.heads.get('org:plans-fill-3')).toEqual({ version: 2, state: null });
    expect(answer.heads.get('org:never')).toEqual({ version: 0, state: null });
  });

  it('plans the reads and the group append once per connection, not at every write', async () => {
    expect((await client!.query('SHOW plan_cache_mode')).rows[0].plan_cache_mode).toBe('force_generic_plan');
    const statements = await prepared();
    const append = statements.find((s) => s.name.startsWith('newsroom_append_group'))!;
    // Writes came in groups; each group is one run of the append.
    expect(append.generic_plans).toBeGreaterThan(10);
    for (const s of statements) expect([s.name, s.custom_plans]).toEqual([s.name, 0]);
  });
});
