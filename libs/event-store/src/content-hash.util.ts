import { hash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * JSON Canonicalization Scheme (RFC 8785): members sorted by UTF-16 code units, ECMAScript number and string
 * serialisation, no whitespace; so the same content always hashes the same whatever the key order. Undefined
 * members are left out and undefined elements are null, as JSON.stringify does.
 *
 * `canonicalize` is kept on 2.x: 3.0 and later are ES modules only (and 5.x needs Node 22), while this codebase
 * runs as CommonJS on Node 20. For parsed JSON, the only thing hashed, it gives the bytes of the hand-written
 * version it replaced, so stored hashes still match (test/content-hash.property.spec.ts); it differs only outside
 * JSON (a Date member becomes its ISO string, NaN and Infinity throw), which no request or message can carry.
 */
export function canonicalJson(value: unknown): string {
  // A bare `undefined` has no JSON form: the hand-written version gave 'null', and so does this.
  return canonicalize(value) ?? 'null';
}

/** The idempotency fingerprint of a submission: same id and same hash is a duplicate, another hash a 409. */
export function contentHash(content: unknown): string {
  // crypto.hash (Node 20.12): the same digest as createHash().update().digest(), without a Hash object each call.
  return hash('sha256', canonicalJson(content), 'hex');
}
