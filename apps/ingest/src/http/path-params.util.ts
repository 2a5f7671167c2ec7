import { isUuid, problems } from '@newsroom/platform';

/** An event id from the URL: a bad one is the client's 400, not a database error. */
export function eventIdParam(id: string): string {
  if (!isUuid(id)) throw problems.validation([{ path: 'id', message: 'must be a UUID' }], 'The event id in the path is not a UUID.');
  return id.toLowerCase();
}

/** The optional Idempotency-Key header of single events, corrections, retractions and sources: it becomes the new event's id. */
export function idempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const key = namedIdempotencyKey(header);
  if (key === undefined) {
    throw problems.validation([{ path: 'Idempotency-Key', message: 'must be a UUID' }], 'The Idempotency-Key header must be a UUID.');
  }
  return key;
}

/** The Idempotency-Key as idempotencyKey takes it, or undefined when there is none or it is not a UUID (it names no event). */
export function namedIdempotencyKey(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' && isUuid(header.trim()) ? header.trim().toLowerCase() : undefined;
}
