import { DuplicateEventIdError, EventStoreTimeoutError, EventStoreUnavailableError, WrongExpectedVersionError } from './event-store.errors';

const PG_UNIQUE_VIOLATION = '23505';
/** The server cancelled the statement (statement_timeout, or a cancel request): it did not commit. */
const PG_QUERY_CANCELED = '57014';
/** lock_timeout: the statement gave up waiting for a lock and was rolled back. */
const PG_LOCK_NOT_AVAILABLE = '55P03';
/**
 * read_only_sql_transaction: the server takes no writes now (a standby, a primary demoted in a failover,
 * default_transaction_read_only set): nothing was written, and the writable primary a failover brings back takes
 * the same event. Not about the data: never dead-lettered, never a rejected batch item.
 */
const PG_READ_ONLY = '25006';
/** The transaction was rolled back (serialisation, deadlock): nothing of it was kept, a retry may pass. */
const PG_ROLLED_BACK = ['40001', '40P01'];
/**
 * Classes and codes that say "the server or its schema is not fit right now", not "this data is bad":
 * connection exceptions (08), insufficient resources (53), operator intervention (57: admin shutdown, crash,
 * cannot connect now), system errors (58), auth (28), unknown database (3D000), missing tables or functions
 * (a database not migrated yet), privileges revoked (42501: CONNECT on the database, or a table's). Retrying these later may pass; dead-lettering on them would dead-letter everything.
 */
const TRANSIENT_CLASSES = ['08', '53', '57', '58', '28'];
const TRANSIENT_CODES = ['3D000', '42P01', '42883', '3F000', '25P03', '42501'];
/**
 * The server refused the connection itself, for a reason an operator changes back: a database set to
 * `ALLOW_CONNECTIONS false`, or being dropped or created (55000, "is not currently accepting connections"). The code
 * also names statement errors (`currval` before `nextval`), so the message tells them apart.
 */
const refusedAtConnect = (code: string, message: string): boolean =>
  code === '55000' && /is not currently accepting connections/.test(message);
/** Node socket errors before or while talking to the server. */
const SOCKET_CODES = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN'];

/**
 * Turns a driver error into the store's own: duplicate id, version conflict, timeout or unavailable (both
 * transient), or the error itself (about the data: will fail again). Says when nothing was recorded for certain.
 */
export function translateStoreError(error: unknown): Error {
  const e = error as { code?: string; constraint?: string; detail?: string; message?: string };
  if (error instanceof WrongExpectedVersionError || error instanceof EventStoreUnavailableError) return error;
  const code = e?.code ?? '';
  const message = e?.message ?? '';
  if (code === PG_UNIQUE_VIOLATION && e.constraint === 'events_event_id_key') {
    const id = /\(event_id\)=\(([^)]+)\)/.exec(e.detail ?? '')?.[1] ?? 'unknown';
    return new DuplicateEventIdError(id);
  }
  if (code === PG_UNIQUE_VIOLATION && e.constraint === 'events_stream_id_stream_version_key') {
    return new WrongExpectedVersionError('unknown', 'any', null);
  }
  if (code === PG_QUERY_CANCELED || code === PG_LOCK_NOT_AVAILABLE) return new EventStoreTimeoutError(error, true);
  if (PG_ROLLED_BACK.includes(code)) return new EventStoreUnavailableError(error, { nothingRecorded: true, retryAfterSeconds: 1 });
  if (code === PG_READ_ONLY) return new EventStoreUnavailableError(error, { nothingRecorded: true, retryAfterSeconds: 5 });
  // Reachable, but no connection was free: pg-pool's wait for one of its connections ran out (every one in use), or
  // the server's connection slots are all taken. The statement was not sent.
  if (/timeout exceeded when trying to connect/i.test(message))
    return new EventStoreUnavailableError(error, { nothingRecorded: true, busy: 'pool' });
  if (code === '53300') return new EventStoreUnavailableError(error, { nothingRecorded: true, busy: 'server' });
  // Never connected: the statement was not sent.
  if (
    code === 'ECONNREFUSED' ||
    code === '53300' ||
    code === '57P03' ||
    refusedAtConnect(code, message) ||
    /timeout exceeded when trying to connect|due to connection timeout/i.test(message)
  ) {
    return new EventStoreUnavailableError(error, { nothingRecorded: true });
  }
  // The client's last resort (query_timeout): the statement may still be committing on the server.
  if (/Query read timeout/i.test(message)) return new EventStoreTimeoutError(error, false);
  if (TRANSIENT_CLASSES.includes(code.slice(0, 2)) || TRANSIENT_CODES.includes(code) || SOCKET_CODES.includes(code)) {
    // A lost connection or a terminated backend may have cut the statement during its commit: unknown.
    const lost = code.startsWith('08') || code.startsWith('57') || SOCKET_CODES.includes(code);
    return new EventStoreUnavailableError(error, { nothingRecorded: !lost });
  }
  if (error instanceof Error && /Connection terminated|Client has encountered a connection error|not queryable/i.test(message)) {
    return new EventStoreUnavailableError(error, { nothingRecorded: false });
  }
  return error as Error;
}
