import { Logger } from '@nestjs/common';
import { busyDetail, EventStoreTimeoutError, EventStoreUnavailableError, translateStoreError } from '@newsroom/event-store';
import { ErrorMapper, problems } from '@newsroom/platform';

const logger = new Logger('QueryErrors');

/**
 * The read side's own errors: Postgres unreachable, refusing connections, restarting or too slow is a 503 with
 * Retry-After (the client's request is fine; come back), classified as the event store classifies them. The
 * cause is logged, never sent. Anything else is left to the filter (a logged 500).
 */
export const mapQueryError: ErrorMapper = (error) => {
  const translated = translateStoreError(error);
  if (!(translated instanceof EventStoreUnavailableError)) return null;
  const cause = (error as Error)?.message ?? String(error);
  logger.warn(`read database unavailable: ${cause}`);
  if (translated.busy)
    return problems.unavailable(busyDetail(translated.busy, 'read database'), translated.retryAfterSeconds, 'READ_DB.UNAVAILABLE');
  return translated instanceof EventStoreTimeoutError
    ? problems.unavailable('The read database did not answer in time. Retry shortly.', translated.retryAfterSeconds, 'READ_DB.TIMEOUT')
    : problems.unavailable(
        'The read database is not reachable right now. Retry shortly.',
        translated.retryAfterSeconds,
        'READ_DB.UNAVAILABLE',
      );
};
