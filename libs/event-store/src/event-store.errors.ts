/** The stream was not at the version the writer expected: someone else appended first. */
export class WrongExpectedVersionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: number | 'any',
    readonly actual: number | null,
  ) {
    super(`stream ${streamId} is at version ${actual ?? 'none'}, expected ${expected}`);
    this.name = 'WrongExpectedVersionError';
  }
}

/** An event id is already in the log (idempotency key reused or a concurrent retry won the race). */
export class DuplicateEventIdError extends Error {
  constructor(readonly eventId: string) {
    super(`event ${eventId} is already recorded`);
    this.name = 'DuplicateEventIdError';
  }
}

/**
 * Transient: Postgres could not be reached, failed mid-append, or is overloaded. Retrying later (with the same
 * event ids) is safe. `nothingRecorded` is true when it is certain the append did not commit (the statement never
 * ran, or the server cancelled it); false when the connection was lost or the client gave up while the statement
 * may have been committing: then the outcome is unknown and a retry with the same ids tells.
 */
export class EventStoreUnavailableError extends Error {
  readonly nothingRecorded: boolean;
  /** Seconds a client should wait before retrying (the Retry-After header). */
  readonly retryAfterSeconds: number;
  /**
   * What was busy, when the database is reachable but had no connection free: `pool`, every connection of this
   * process's pool stayed in use for DATABASE_CONNECT_TIMEOUT_MS; `server`, Postgres has no connection slot left
   * (53300). Absent for anything else.
   */
  readonly busy?: 'pool' | 'server';

  constructor(
    cause: unknown,
    options: { nothingRecorded?: boolean; retryAfterSeconds?: number; message?: string; busy?: 'pool' | 'server' } = {},
  ) {
    super(options.message ?? `event store unavailable: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'EventStoreUnavailableError';
    this.nothingRecorded = options.nothingRecorded ?? true;
    this.retryAfterSeconds = options.retryAfterSeconds ?? 2;
    if (options.busy) this.busy = options.busy;
    (this as { cause?: unknown }).cause = cause;
  }
}

/** The append or write-read queue is full: refused at once, nothing was recorded. Transient. */
export class EventStoreBusyError extends EventStoreUnavailableError {
  constructor(
    readonly queue: 'append' | 'write-reads',
    limit: string,
    retryAfterSeconds = 1,
  ) {
    super(null, { nothingRecorded: true, retryAfterSeconds, message: `event store busy: the ${queue} queue is full (${limit})` });
    this.name = 'EventStoreBusyError';
  }
}

/**
 * A statement ran out of time (statement_timeout, lock_timeout, or the client's last-resort query timeout).
 * Server-side timeouts cancel the statement, so nothing was recorded; a client-side one leaves it unknown.
 */
export class EventStoreTimeoutError extends EventStoreUnavailableError {
  constructor(cause: unknown, nothingRecorded: boolean, retryAfterSeconds = 2) {
    super(cause, { nothingRecorded, retryAfterSeconds, message: `event store timed out: ${(cause as Error)?.message ?? String(cause)}` });
    this.name = 'EventStoreTimeoutError';
  }
}

/**
 * Writers on one stream kept appending between this write's read and its append, past the writer's retry budget
 * (other ingest instances: one instance takes turns per stream). Nothing was recorded; retrying later is safe and
 * will most likely pass, so it is transient: 503 + Retry-After over HTTP, a retried batch over Kafka.
 */
export class StreamContendedError extends EventStoreUnavailableError {
  constructor(
    readonly streamIds: string[],
    readonly attempts: number,
    retryAfterSeconds = 1,
  ) {
    super(null, {
      nothingRecorded: true,
      retryAfterSeconds,
      message: `stream ${streamIds.join(', ')} kept changing under this write (${attempts} attempts): other writers are busy on it`,
    });
    this.name = 'StreamContendedError';
  }
}

/** Transient errors: the same write may succeed later. Everything else is about the data and will fail again. */
export function isTransientStoreError(error: unknown): boolean {
  return error instanceof EventStoreUnavailableError;
}

/**
 * The detail of the 503 for a database that is up but had no connection free (EventStoreUnavailableError.busy):
 * what was busy, and that the request is fine and should be sent again after Retry-After.
 */
export function busyDetail(busy: 'pool' | 'server', database: string): string {
  return busy === 'pool'
    ? `Every connection this instance holds to the ${database} (DATABASE_POOL_MAX) was busy with other requests for ` +
        'DATABASE_CONNECT_TIMEOUT_MS; the request did not run. Nothing is wrong with it: send it again after Retry-After seconds.'
    : `The ${database} server has no connection slot free (max_connections); the request did not run. Nothing is wrong ` +
        'with it: send it again after Retry-After seconds.';
}
