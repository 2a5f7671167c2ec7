import { DomainError } from '@newsroom/domain';
import {
  busyDetail,
  DuplicateEventIdError,
  EventStoreBusyError,
  EventStoreTimeoutError,
  EventStoreUnavailableError,
  StreamContendedError,
  WrongExpectedVersionError,
} from '@newsroom/event-store';
import { ErrorMapper, ProblemError, problems } from '@newsroom/platform';
import { fromDomainError, isStoreRefusal, storeRejection } from '../events/shared/event-writer.service';
import { rejectionProblem } from './outcome.response';

/** Every error the write side can raise, mapped once to problem+json (used by the ingest app's one filter). */
export const mapIngestError: ErrorMapper = (error, request) => {
  if (error instanceof DomainError) return rejectionProblem(fromDomainError(error));
  if (error instanceof WrongExpectedVersionError) {
    return new ProblemError(409, 'STREAM.VERSION_MISMATCH', 'Conflict', error.message, [
      { path: 'expectedVersion', message: error.message },
    ]);
  }
  if (error instanceof DuplicateEventIdError) {
    return new ProblemError(409, 'EVENT.ID_CONFLICT', 'Conflict', error.message, [{ path: 'id', message: 'already used' }]);
  }
  if (error instanceof EventStoreUnavailableError) {
    // A read (GET /v1/events/{id}, /v1/streams/...) records nothing either way: its answer says so, not a write's.
    if (request?.method === 'GET' || request?.method === 'HEAD') {
      if (error.busy) return problems.unavailable(busyDetail(error.busy, 'event store'), error.retryAfterSeconds, 'SERVICE.UNAVAILABLE');
      const what = error instanceof EventStoreTimeoutError ? 'did not answer in time' : 'cannot be reached right now';
      const code = error instanceof EventStoreTimeoutError ? 'STORE.TIMEOUT' : 'SERVICE.UNAVAILABLE';
      return problems.unavailable(`The event store ${what}; this read can be retried.`, error.retryAfterSeconds, code);
    }
    return storeUnavailableProblem(error);
  }
  // A single event, a story or an amendment the database refuses (a constraint, a trigger): the reason, as a batch
  // item and a dead letter give it, and a status a client does not retry (it was a 500 INTERNAL saying "retry").
  if (isStoreRefusal(error)) return rejectionProblem(storeRejection(error));
  return null;
};

/**
 * 503 + Retry-After for every transient store failure. It says "nothing was recorded" only when that is certain
 * (refused before running, or cancelled by the server's statement_timeout / lock_timeout); after a lost
 * connection or the client's last-resort timeout the write may have committed, and a retry with the same ids tells.
 */
function storeUnavailableProblem(error: EventStoreUnavailableError) {
  const outcome = error.nothingRecorded
    ? 'nothing was recorded. Retry.'
    : 'the write may or may not have been recorded. Retry with the same event ids (or Idempotency-Key): a recorded event answers as a duplicate.';
  const extensions = { recorded: error.nothingRecorded ? false : 'unknown' };
  if (error instanceof StreamContendedError) {
    return problems.unavailable(
      `Other writers kept appending to ${error.streamIds.join(', ')} while this write was decided; nothing was recorded. Retry.`,
      error.retryAfterSeconds,
      'STREAM.CONTENDED',
      extensions,
    );
  }
  if (error instanceof EventStoreBusyError) {
    return problems.unavailable(
      `Too many writes are waiting for the event store; ${outcome}`,
      error.retryAfterSeconds,
      'STORE.BUSY',
      extensions,
    );
  }
  if (error instanceof EventStoreTimeoutError) {
    return problems.unavailable(`The event store did not answer in time; ${outcome}`, error.retryAfterSeconds, 'STORE.TIMEOUT', extensions);
  }
  if (error.busy)
    return problems.unavailable(busyDetail(error.busy, 'event store'), error.retryAfterSeconds, 'SERVICE.UNAVAILABLE', extensions);
  return problems.unavailable(`The event store cannot be reached; ${outcome}`, error.retryAfterSeconds, 'SERVICE.UNAVAILABLE', extensions);
}
