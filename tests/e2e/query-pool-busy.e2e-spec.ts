import { PoolClient } from 'pg';
import { createTestDatabase, pollUntil, RunningApp, startApp, TestDatabase, testTopics } from '@newsroom/testing';

/**
 * Every connection of the query service's pool held (DATABASE_POOL_MAX=2): reports waiting on a lock another session
 * holds on the lawsuits read model. A request that then waits DATABASE_CONNECT_TIMEOUT_MS for a free connection is
 * answered 503 problem+json READ_DB.UNAVAILABLE with Retry-After and a detail saying the pool was busy, not a 500
 * and not a hang; once the lock goes, the held reports answer and the same request succeeds.
 */
const POOL_MAX = 2;
const CONNECT_TIMEOUT_MS = 1000;
const LOCKED = 'read_model.lawsuit_events';

interface Answer {
  status: number;
  headers: Headers;
  body: { code?: string; detail?: string; retryAfter?: number };
}

describe('the query service with every pooled connection busy: 503 READ_DB.UNAVAILABLE with Retry-After, then served again', () => {
  let db: TestDatabase;
  let query: RunningApp;

  beforeAll(async () => {
    db = await createTestDatabase('pool-busy');
    query = await startApp('query', {
      DATABASE_URL: db.url,
      KAFKA_TOPIC_PREFIX: testTopics('pool-busy').prefix,
      DATABASE_POOL_MAX: String(POOL_MAX),
      DATABASE_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
      // The held reports wait for the lock, not for a lock or statement timeout of their own (bounded by the test).
      DATABASE_LOCK_TIMEOUT_MS: '0',
      DATABASE_STATEMENT_TIMEOUT_MS: '20000',
      DATABASE_QUERY_TIMEOUT_MS: '25000',
    });
  }, 90_000);
  afterAll(async () => {
    await query?.stop();
    await db?.drop();
  });

  const read = async (path: string): Promise<Answer> => {
    const res = await fetch(`${query.url}${path}`, { signal: AbortSignal.timeout(25_000) });
    return { status: res.status, headers: res.headers, body: JSON.parse(await res.text()) as Answer['body'] };
  };
  /** The service's sessions waiting on a lock: each holds one of its pooled connections. */
  const waitingOnLock = async () =>
    (
      await db.pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
      )
    ).rows[0].n;

  it('answers 503 with Retry-After and says the pool was busy while the connections are held; a later request succeeds', async () => {
    expect((await read('/v1/reports/lawsuits')).status).toBe(200);
    const holder: PoolClient = await db.pool.connect();
    let held: Array<Promise<Answer>> = [];
    try {
      await holder.query('BEGIN');
      await holder.query(`LOCK TABLE ${LOCKED} IN ACCESS EXCLUSIVE MODE`);
      // One report per pooled connection, each stuck on the lock with its connection.
      held = Array.from({ length: POOL_MAX }, () => read('/v1/reports/lawsuits'));
      await pollUntil(async () => (await waitingOnLock()) >= POOL_MAX, { timeoutMs: 10_000, what: 'the pool held on the lock' });

      const started = Date.now();
      const busy = await read('/v1/reports/departures');
      const waited = Date.now() - started;
      expect({ status: busy.status, type: busy.headers.get('content-type'), code: busy.body.code }).toEqual({
        status: 503,
        type: expect.stringMatching(/^application\/problem\+json/),
        code: 'READ_DB.UNAVAILABLE',
      });
      expect(busy.headers.get('retry-after')).toMatch(/^[1-9][0-9]*$/);
      expect(busy.body.retryAfter).toBe(Number(busy.headers.get('retry-after')));
      expect(busy.body.detail).toMatch(/Every connection this instance holds to the read database \(DATABASE_POOL_MAX\) was busy/);
      expect(busy.body.detail).toMatch(/the request did not run/);
      // It waited for a connection about DATABASE_CONNECT_TIMEOUT_MS, no longer.
      expect(waited).toBeGreaterThanOrEqual(CONNECT_TIMEOUT_MS - 100);
      expect(waited).toBeLessThan(CONNECT_TIMEOUT_MS + 4000);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      holder.release();
    }
    // The held reports were only waiting: they answer now, and so does the request refused.
    expect((await Promise.all(held)).map((a) => a.status)).toEqual(Array(POOL_MAX).fill(200));
    const again = await read('/v1/reports/departures');
    expect(again.status).toBe(200);
    expect(again.headers.get('retry-after')).toBeNull();
  }, 30_000);
});
