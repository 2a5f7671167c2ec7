import type { IncomingHttpHeaders } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { API_KEY_RING, keyHeaderOf, keyInHeaders, REQUIRE_READ_KEY } from '../auth/api-key.guard';
import { ApiKeyRing, type Scope } from '../auth/api-keys.service';
import { ProblemError, problems } from './problem.errors';
import { sendProblem } from './problem.filter';

/** The answer to a request whose key (in `headers`) is missing, unknown or lacks `scope`; null when it may pass. */
function keyRefusal(ring: ApiKeyRing, headers: IncomingHttpHeaders, scope: Scope): ProblemError | null {
  const presented = keyInHeaders(headers);
  const held = ring.identify(presented);
  if (!held) return problems.unauthorized(presented !== undefined, keyHeaderOf(headers));
  return ApiKeyRing.satisfies(held.scope, scope) ? null : problems.forbidden(scope, keyHeaderOf(headers));
}

/**
 * Routes mounted on Express directly (Swagger's /docs) never meet Nest's guards: this applies the read-key rule
 * to them. When NEWSROOM_REQUIRE_READ_KEY is set, the API's description is as private as the API.
 */
export function readKeyMiddleware(ring: ApiKeyRing, required: boolean) {
  return (req: Request, res: Response, next: NextFunction) => {
    const problem = required ? keyRefusal(ring, req.headers, 'read') : null;
    return problem ? sendProblem(res, problem, req.originalUrl) : next();
  };
}

/** A request for one of `paths` (a path, or under it), as Express mounts middleware at a path. */
function under(paths: readonly string[], url: string): boolean {
  return paths.some((p) => url.startsWith(p) && (url.length === p.length || url[p.length] === '/' || url[p.length] === '?'));
}

/**
 * Puts `paths` of a Nest app behind the read key, using the app's own key ring and setting. On Express, middleware
 * mounted at the paths; on Fastify (ingest), an onRequest hook, which runs before any route (Swagger's too) and
 * for unknown URLs under the paths alike. Call it before the app listens.
 */
export function requireReadKeyOn(app: INestApplication, paths: string[]): void {
  const ring = app.get<ApiKeyRing>(API_KEY_RING);
  const required = app.get<boolean>(REQUIRE_READ_KEY);
  const adapter = app.getHttpAdapter();
  if (adapter.getType() !== 'fastify') {
    app.use(paths, readKeyMiddleware(ring, required));
    return;
  }
  if (!required) return;
  const fastify = adapter.getInstance() as FastifyInstance;
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const problem = under(paths, request.url) ? keyRefusal(ring, request.headers, 'read') : null;
    return problem ? sendProblem(reply, problem, request.url) : done();
  });
}

/** The methods that carry a body to record something. */
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * On Fastify (ingest): a request with a write method under `prefix` without a key holding the write scope is refused
 * (401, or 403 for a read key) from its headers, before its body is read or parsed: a stranger cannot make the
 * service take in and parse bodies up to the body limit, and learns nothing from a parse error. Every route under the
 * prefix taking such a method needs that scope (the OpenAPI document says so for each, and write-api.e2e holds it);
 * the guard checks again in the route and names the key's actor. Call it before the app listens.
 */
export function requireWriteKeyBeforeBody(app: INestApplication, prefix: string): void {
  const ring = app.get<ApiKeyRing>(API_KEY_RING);
  const refusal = (method: string, url: string, headers: IncomingHttpHeaders) =>
    WRITE_METHODS.has(method) && under([prefix], url) ? keyRefusal(ring, headers, 'write') : null;
  const adapter = app.getHttpAdapter();
  if (adapter.getType() !== 'fastify') {
    // Express (the OpenAPI export builds the app on it): middleware, after the app's body parser.
    app.use((req: Request, res: Response, next: NextFunction) => {
      const problem = refusal(req.method, req.originalUrl, req.headers);
      return problem ? sendProblem(res, problem, req.originalUrl) : next();
    });
    return;
  }
  const fastify = adapter.getInstance() as FastifyInstance;
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const problem = refusal(request.method, request.url, request.headers);
    return problem ? sendProblem(reply, problem, request.url) : done();
  });
}
