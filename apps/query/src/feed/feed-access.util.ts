import type { IncomingMessage } from 'node:http';
import type { Request } from 'express';
import { ApiKeyRing, keyHeaderOf, presentedKey, ProblemError, problems } from '@newsroom/platform';

/**
 * The read-key rule of the API-key guard, for the WebSocket upgrade (which never reaches Nest's guards): a key
 * in Authorization, X-API-Key or, for browsers that cannot set headers, `?key=`.
 * Returns the problem to answer with, or null when the connection may proceed.
 */
export function readAccessProblem(ring: ApiKeyRing, requireReadKey: boolean, req: IncomingMessage, url: URL): ProblemError | null {
  if (!requireReadKey) return null;
  const inHeaders = presentedKey(req as Request);
  const presented = inHeaders ?? (url.searchParams.get('key') || undefined);
  const where = inHeaders === undefined && presented !== undefined ? 'key' : keyHeaderOf(req.headers);
  const held = ring.identify(presented);
  if (!held) return problems.unauthorized(presented !== undefined, where);
  if (!ApiKeyRing.satisfies(held.scope, 'read')) return problems.forbidden('read', where);
  return null;
}
