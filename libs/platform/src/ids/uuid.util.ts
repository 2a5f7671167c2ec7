import { v5, v7 } from 'uuid';

// uuid@10, not the latest: 12+ ships ESM only, and the apps and jest load CommonJS; 10 is also the version the
// emmett packages ask for as a peer, so one copy serves both.

/** UUIDv7: time-ordered, so ids the server makes sort roughly by creation (RFC 9562 §5.7). */
export function uuidv7(): string {
  // No `msecs` option: uuid@10 ignores a given time (it keeps its last clock reading); its own clock is right.
  return v7();
}

/**
 * UUIDv5 (RFC 9562 §5.5): the same name in the same namespace always gives the same id. The name goes in as its
 * UTF-8 bytes (as Buffer.from encodes it: a lone surrogate becomes U+FFFD), so any string has an id.
 */
export function uuidv5(name: string, namespace: string): string {
  return v5(Buffer.from(name, 'utf8'), namespace);
}

// Any version and variant: ids from clients are checked for shape only (uuid's validate() would refuse some).
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
