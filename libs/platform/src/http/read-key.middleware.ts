import type { NextFunction, Request, Response } from 'express';
import { API_KEY_RING, presentedKey, REQUIRE_READ_KEY } from '../auth/api-key.guard';
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
    const held = ring.identify(presentedKey(req));
    if (!held) return sendProblem(res, problems.unauthorized(), req.originalUrl);
    if (!ApiKeyRing.satisfies(held.scope, 'read')) return sendProblem(res, problems.forbidden('read'), req.originalUrl);
    next();
  };
}

/** Puts `paths` of a Nest app behind the read key, using the app's own key ring and setting. */
export function requireReadKeyOn(app: { get(token: unknown): any; use(...args: any[]): unknown }, paths: string[]): void {
  app.use(paths, readKeyMiddleware(app.get(API_KEY_RING), app.get(REQUIRE_READ_KEY)));
}
