import { Logger } from '@nestjs/common';
import { Pool, PoolConfig } from 'pg';

/**
 * How long anything may wait on Postgres, so a hung database answers errors instead of piling up work.
 * 0 turns one off. The server-side ones (statement, lock, idle in transaction) cancel on the server: a statement
 * cancelled by them did not commit. The client's query timeout is only the last resort, for a server that does not
 * answer at all: it is kept above the statement timeout so the server normally cancels first.
 */
export interface PgTimeouts {
  /** Opening a connection, and waiting for a free client of the pool. */
  connectionTimeoutMs: number;
  /** Server-side statement_timeout. */
  statementTimeoutMs: number;
  /** Server-side lock_timeout: a statement waiting this long for a lock (row, table, advisory) gives up. */
  lockTimeoutMs: number;
  /** Server-side idle_in_transaction_session_timeout: a transaction left open by a stuck client is ended. */
  idleInTransactionTimeoutMs: number;
  /** Client-side query_timeout (the last resort). */
  queryTimeoutMs: number;
}

export const DEFAULT_PG_TIMEOUTS: PgTimeouts = {
  connectionTimeoutMs: 5000,
  statementTimeoutMs: 30000,
  lockTimeoutMs: 10000,
  idleInTransactionTimeoutMs: 60000,
  queryTimeoutMs: 35000,
};

/** No statement, lock or query timeout: for migrations and the rebuild command, which may legitimately run long. */
export const LONG_RUNNING_PG_TIMEOUTS: PgTimeouts = { ...DEFAULT_PG_TIMEOUTS, statementTimeoutMs: 0, lockTimeoutMs: 0, queryTimeoutMs: 0 };

const ENV_KEYS: Record<keyof PgTimeouts, string> = {
  connectionTimeoutMs: 'DATABASE_CONNECT_TIMEOUT_MS',
  statementTimeoutMs: 'DATABASE_STATEMENT_TIMEOUT_MS',
  lockTimeoutMs: 'DATABASE_LOCK_TIMEOUT_MS',
  idleInTransactionTimeoutMs: 'DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS',
  queryTimeoutMs: 'DATABASE_QUERY_TIMEOUT_MS',
};

/**
 * The timeouts from the environment (DATABASE_*_TIMEOUT_MS, whole milliseconds, 0 = off), defaults otherwise.
 * Without DATABASE_QUERY_TIMEOUT_MS the client timeout follows the statement timeout (+5 s, or off with it).
 */
export function pgTimeoutsFromEnv(env: NodeJS.ProcessEnv = process.env, defaults: PgTimeouts = DEFAULT_PG_TIMEOUTS): PgTimeouts {
  const out = { ...defaults };
  for (const [field, name] of Object.entries(ENV_KEYS) as [keyof PgTimeouts, string][]) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0)
      throw new Error(`invalid configuration: ${name} must be a whole number of milliseconds (0 = off), got "${raw}"`);
    out[field] = value;
  }
  if (env[ENV_KEYS.queryTimeoutMs] === undefined || env[ENV_KEYS.queryTimeoutMs] === '') {
    out.queryTimeoutMs = out.statementTimeoutMs > 0 ? out.statementTimeoutMs + 5000 : 0;
  } else if (out.statementTimeoutMs > 0 && out.queryTimeoutMs > 0 && out.queryTimeoutMs <= out.statementTimeoutMs) {
    // A client timeout at or below the server's would give up on statements the server may still commit.
    throw new Error(`invalid configuration: ${ENV_KEYS.queryTimeoutMs} must be above ${ENV_KEYS.statementTimeoutMs}`);
  }
  return out;
}

/** node-postgres connection options for the timeouts (spread into a Pool's config or a TypeORM DataSource's `extra`). */
export function pgTimeoutOptions(t: PgTimeouts = pgTimeoutsFromEnv()): PoolConfig {
  return {
    connectionTimeoutMillis: t.connectionTimeoutMs || undefined,
    // Sent in the startup packet: set once per connection, no extra round trip per query.
    ...(t.statementTimeoutMs ? { statement_timeout: t.statementTimeoutMs } : {}),
    ...(t.lockTimeoutMs ? { lock_timeout: t.lockTimeoutMs } : {}),
    ...(t.idleInTransactionTimeoutMs ? { idle_in_transaction_session_timeout: t.idleInTransactionTimeoutMs } : {}),
    ...(t.queryTimeoutMs ? { query_timeout: t.queryTimeoutMs } : {}),
  };
}

/** Server settings a pool's connections start with (`SET name = value` for the whole session). */
export type PgServerSettings = Readonly<Record<string, string>>;

const SETTING_NAME = /^[a-z_][a-z0-9_.]*$/;
const SETTING_VALUE = /^[A-Za-z0-9_.-]+$/;

/**
 * `url` with `settings` in its `options` parameter (`-c name=value`, which Postgres applies at connection start:
 * no round trip), after any options the URL already carries. In the URL, not in the pool's config: node-postgres
 * lets a connection string's parameters override the config's, so an `options` given beside a URL holding one
 * would be lost. Names and values are plain words, as the constants that use this are; anything else is refused.
 */
export function withServerSettings(url: string, settings: PgServerSettings): string {
  const entries = Object.entries(settings);
  if (entries.length === 0) return url;
  for (const [name, value] of entries) {
    if (!SETTING_NAME.test(name) || !SETTING_VALUE.test(value)) throw new Error(`not a plain server setting: ${name}=${value}`);
  }
  const parsed = new URL(url);
  const ours = entries.map(([name, value]) => `-c ${name}=${value}`).join(' ');
  const given = parsed.searchParams.get('options');
  parsed.searchParams.set('options', given ? `${given} ${ours}` : ours);
  return parsed.toString();
}

/**
 * A pg pool whose idle-client errors are logged instead of crashing the process (pg emits them on the pool), with
 * the timeouts of `timeouts` (by default from the environment, see pgTimeoutsFromEnv) and the server settings of
 * `settings` on every connection (see withServerSettings).
 */
export function createPgPool(
  url: string,
  max: number,
  name: string,
  timeouts: PgTimeouts = pgTimeoutsFromEnv(),
  settings: PgServerSettings = {},
): Pool {
  const pool = new Pool({
    connectionString: withServerSettings(url, settings),
    max,
    idleTimeoutMillis: 30000,
    application_name: name,
    ...pgTimeoutOptions(timeouts),
  });
  const logger = new Logger(`pg:${name}`);
  pool.on('error', (error) => logger.warn(`idle client error: ${error.message}`));
  return pool;
}
