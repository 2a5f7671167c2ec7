import { DOMAIN_ERROR_CODES, DomainError } from '@newsroom/domain';

/** 404 for an event id nobody recorded; the filter maps it to problem+json with code EVENT.NOT_FOUND. */
export function eventNotFound(eventId: string): DomainError {
  return new DomainError(DOMAIN_ERROR_CODES.EVENT_NOT_FOUND, 'not_found', `no event has id ${eventId}`, [
    { path: 'id', message: 'no event has this id' },
  ]);
}
