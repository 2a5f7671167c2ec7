import { DEFAULT_PG_TIMEOUTS, pgTimeoutOptions, pgTimeoutsFromEnv, withServerSettings } from './pg-pool.factory';

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

describe('server settings on every connection of a pool', () => {
  it('given settings, then they go in the URL options, after any the URL carries', () => {
    const url = withServerSettings('postgres://u@db.example:5432/newsroom?sslmode=require', { plan_cache_mode: 'force_generic_plan' });
    expect(new URL(url).searchParams.get('options')).toBe('-c plan_cache_mode=force_generic_plan');
    expect(new URL(url).searchParams.get('sslmode')).toBe('require');
    const both = withServerSettings('postgres://u@db/n?options=-c%20search_path%3Dnews', { plan_cache_mode: 'auto' });
    expect(new URL(both).searchParams.get('options')).toBe('-c search_path=news -c plan_cache_mode=auto');
  });

  it('given none, then the URL unchanged; given a setting that is not a plain word, then it is refused', () => {
    expect(withServerSettings('postgres://u@db/n', {})).toBe('postgres://u@db/n');
    expect(() => withServerSettings('postgres://u@db/n', { plan_cache_mode: 'auto -c role=admin' })).toThrow(/not a plain server setting/);
    expect(() => withServerSettings('postgres://u@db/n', { 'x y': 'auto' })).toThrow(/not a plain server setting/);
  });
});
