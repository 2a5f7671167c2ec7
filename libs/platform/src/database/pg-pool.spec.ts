import { DEFAULT_PG_TIMEOUTS, pgTimeoutOptions, pgTimeoutsFromEnv } from './pg-pool.factory';

describe('database timeouts from the environment', () => {
  it('given nothing, then the defaults, with the client timeout above the statement timeout', () => {
    const t = pgTimeoutsFromEnv({});
    expect(t).toEqual(DEFAULT_PG_TIMEOUTS);
    expect(t.queryTimeoutMs).toBeGreaterThan(t.statementTimeoutMs);
  });

  it('given a statement timeout only, then the client timeout follows it; 0 turns both off', () => {
    expect(pgTimeoutsFromEnv({ DATABASE_STATEMENT_TIMEOUT_MS: '1500' })).toMatchObject({ statementTimeoutMs: 1500, queryTimeoutMs: 6500 });
    expect(pgTimeoutsFromEnv({ DATABASE_STATEMENT_TIMEOUT_MS: '0' })).toMatchObject({ statementTimeoutMs: 0, queryTimeoutMs: 0 });
  });

  it('given a client timeout not above the statement timeout, or a bad number, then it refuses to start', () => {
    expect(() => pgTimeoutsFromEnv({ DATABASE_STATEMENT_TIMEOUT_MS: '5000', DATABASE_QUERY_TIMEOUT_MS: '5000' })).toThrow(
      /DATABASE_QUERY_TIMEOUT_MS/,
    );
    expect(() => pgTimeoutsFromEnv({ DATABASE_LOCK_TIMEOUT_MS: 'soon' })).toThrow(/DATABASE_LOCK_TIMEOUT_MS/);
  });

  it('given timeouts, then the server-side ones go in the startup packet and off ones are left out', () => {
    expect(pgTimeoutOptions({ ...DEFAULT_PG_TIMEOUTS, lockTimeoutMs: 0 })).toEqual({
      connectionTimeoutMillis: 5000,
      statement_timeout: 30000,
      idle_in_transaction_session_timeout: 60000,
      query_timeout: 35000,
    });
  });
});
