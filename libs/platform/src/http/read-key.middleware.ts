import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { API_KEY_RING, keyInHeaders, presentedKey, REQUIRE_READ_KEY } from '../auth/api-key.guard';
import { ApiKeyRing } from '../auth/api-keys.service';
import { problems } from './problem.errors';
import { sendProblem } from './problem.filter';

/**
 * Routes mounted on Express directly (Swagger's /docs) never meet Nest's guards: this applies the read-key rule
 * to them. When NEWSROOM_REQUIRE_READ_KEY is set, the API's description is as private as the API.
 */
export function readKeyMiddleware(ring: ApiKeyRing, required: boolean) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!required) return next();
    const presented = presentedKey(req);
    const held = ring.identify(presented);
    if (!held) return sendProblem(res, problems.unauthorized(presented !== undefined), req.originalUrl);
    if (!ApiKeyRing.satisfies(held.scope, 'read')) return sendProblem(res, problems.forbidden('read'), req.originalUrl);
    next();
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
    const url = request.url;
    if (!under(paths, url)) return done();
    const presented = keyInHeaders(request.headers);
    const held = ring.identify(presented);
    if (!held) return sendProblem(reply, problems.unauthorized(presented !== undefined), url);
    if (!ApiKeyRing.satisfies(held.scope, 'read')) return sendProblem(reply, problems.forbidden('read'), url);
    done();
  });
}
