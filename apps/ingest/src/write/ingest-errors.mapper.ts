import { DomainError } from '@newsroom/domain';
import { DuplicateEventIdError, EventStoreUnavailableError, WrongExpectedVersionError } from '@newsroom/event-store';
import { ErrorMapper, ProblemError, problems } from '@newsroom/platform';
import { fromDomainError } from './event-writer';
import { rejectionProblem } from './outcome-response';

/** Every error the write side can raise, mapped once to problem+json (used by the ingest app's one filter). */
export const mapIngestError: ErrorMapper = (error) => {
  if (error instanceof DomainError) return rejectionProblem(fromDomainError(error));
  if (error instanceof WrongExpectedVersionError) {
    return new ProblemError(409, 'STREAM.VERSION_MISMATCH', 'Conflict', error.message, [{ path: 'expectedVersion', message: error.message }]);
  }
  if (error instanceof DuplicateEventIdError) {
    return new ProblemError(409, 'EVENT.ID_CONFLICT', 'Conflict', error.message, [{ path: 'id', message: 'already used' }]);
  }
  if (error instanceof EventStoreUnavailableError) return problems.unavailable('The event store cannot be reached; nothing was recorded. Retry.');
  return null;
};
