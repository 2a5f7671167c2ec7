import { DOMAIN_ERROR_CODES, DomainError } from '@newsroom/domain';
import { problems } from '@newsroom/platform';
import { isUuid } from './ids';

/** An event id from the URL: a bad one is the client's 400, not a database error. */
export function eventIdParam(id: string): string {
  if (!isUuid(id)) throw problems.validation([{ path: 'id', message: 'must be a UUID' }], 'The event id in the path is not a UUID.');
  return id.toLowerCase();
}

/** The optional Idempotency-Key header of corrections and retractions: it becomes the new event's id. */
export function idempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !isUuid(header.trim())) {
    throw problems.validation([{ path: 'Idempotency-Key', message: 'must be a UUID' }], 'The Idempotency-Key header must be a UUID.');
  }
  return header.trim().toLowerCase();
}

/** 404 for an event id nobody recorded; the filter maps it to problem+json with code EVENT.NOT_FOUND. */
export function eventNotFound(eventId: string): DomainError {
  return new DomainError(DOMAIN_ERROR_CODES.EVENT_NOT_FOUND, 'not_found', `no event has id ${eventId}`, [{ path: 'id', message: 'no event has this id' }]);
}
