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

/** Postgres could not be reached or failed mid-append: nothing was recorded. */
export class EventStoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`event store unavailable: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'EventStoreUnavailableError';
    (this as { cause?: unknown }).cause = cause;
  }
}
