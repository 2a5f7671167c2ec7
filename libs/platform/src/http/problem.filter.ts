import { redactUrl } from '../logging/logging.module';
import { isUtf8 } from 'node:buffer';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger, NotFoundException } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { Response } from 'express';
import { PROBLEM_CONTENT_TYPE, ProblemError, problems } from './problem.errors';
import { routeMethodsOf } from './route-methods.util';

/** Maps an app's own errors (domain, store) to problems; returns null for errors it does not know. */
/** An app's own errors as problems; `request` (its method) when the answer depends on it, as a read's wording does. */
export type ErrorMapper = (error: unknown, request?: { method?: string }) => ProblemError | null;

/** Fastify's reply, as far as a problem needs it (libs/platform must not need Fastify to serve the Express apps). */
interface FastifyLikeReply {
  readonly raw: ServerResponse;
  readonly sent: boolean;
  header(name: string, value: string): unknown;
  code(status: number): unknown;
  type(contentType: string): unknown;
  send(payload: string): unknown;
}

/** Express's response or Fastify's reply: both are answered (the ingest app runs on Fastify, the others on Express). */
export type ProblemResponse = Response | FastifyLikeReply;

function isFastifyReply(res: ProblemResponse): res is FastifyLikeReply {
  return 'raw' in res && typeof res.code === 'function';
}

export function sendProblem(res: ProblemResponse, problem: ProblemError, instance?: string): void {
  // The instance is the request's URL, as the logs write it: a read key sent as `?key=` is not echoed back.
  const body = JSON.stringify(problem.toBody(instance === undefined ? undefined : redactUrl(instance)));
  if (isFastifyReply(res)) {
    if (res.sent || res.raw.headersSent) return;
    for (const [k, v] of Object.entries(problem.headers)) res.header(k, v);
    res.code(problem.status);
    res.type(PROBLEM_CONTENT_TYPE);
    res.send(body);
    return;
  }
  if (res.headersSent) return;
  for (const [k, v] of Object.entries(problem.headers)) res.setHeader(k, v);
  // Not Express's send, which would add its ETag: only a successful, cacheable answer carries one (a problem is
  // neither; an ETag on it invited If-None-Match revalidation of an error). A validator set earlier goes too.
  res.removeHeader('ETag');
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

const NOT_UTF8 = 'Body is not valid UTF-8';

/**
 * The body parser's `verify` hook: a JSON body whose bytes are not UTF-8 is refused (a 400), never decoded with
 * U+FFFD in place of the bad bytes, which would record other text than the client sent. One native scan of a
 * body already bounded by the body limit.
 */
export function rejectNonUtf8Body(_req: unknown, _res: unknown, buf: Buffer): void {
  if (!isUtf8(buf)) throw Object.assign(new Error(NOT_UTF8), { type: 'entity.verify.failed' });
}

/** Errors raised by the body parser before Nest's pipeline runs. */
export function bodyParserProblem(cause: unknown, limit: string): ProblemError | null {
  // body-parser's errors are plain Errors with a `type` (see the `raw-body` and `body-parser` READMEs).
  const error = typeof cause === 'object' && cause !== null ? (cause as { type?: unknown; message?: unknown }) : {};
  const message = typeof error.message === 'string' ? error.message : '';
  if (error.type === 'entity.too.large') return problems.tooLarge(limit);
  if (error.type === 'entity.verify.failed' && message === NOT_UTF8) return problems.malformedJson(NOT_UTF8);
  if (error.type === 'entity.parse.failed') return problems.malformedJson(`Body is not valid JSON: ${message}`);
  if (error.type === 'encoding.unsupported' || error.type === 'charset.unsupported') return problems.unsupportedMediaType();
  if (error.type === 'request.aborted') return new ProblemError(400, 'REQUEST.ABORTED', 'Request aborted');
  return null;
}

/**
 * A failed readiness check (terminus answers 503 with `{ status: 'error', details: { <check>: {...} } }`): the
 * problem names each check and its state (up/down) only; causes are logged by the health controller, never sent.
 */
function readinessProblem(response: unknown): ProblemError | null {
  const r = response as { status?: unknown; details?: Record<string, { status?: unknown; state?: unknown }> } | null;
  if (typeof r !== 'object' || r === null || r.status !== 'error' || typeof r.details !== 'object' || r.details === null) return null;
  const checks: Record<string, string> = {};
  const states: Record<string, string> = {};
  for (const [name, result] of Object.entries(r.details)) {
    checks[name] = result?.status === 'up' || result?.status === 'degraded' ? result.status : 'down';
    // A published state other than the generic one (a consumer `starting`) says what the service waits for.
    if (checks[name] === 'down' && typeof result?.state === 'string' && result.state !== 'unavailable') states[name] = result.state;
  }
  const down = Object.keys(checks)
    .filter((name) => checks[name] === 'down')
    .map((name) => (states[name] ? `${name} (${states[name]})` : name));
  const degraded = Object.keys(checks).filter((name) => checks[name] === 'degraded');
  return problems.unavailable(`Not ready: ${down.join(', ') || 'a check'} down.`, 5, 'SERVICE.NOT_READY', {
    checks,
    ...(Object.keys(states).length ? { states } : {}),
    ...(degraded.length ? { degraded } : {}),
  });
}

/** The one exhaustive filter of an app: every error leaves as problem+json, unknown ones as a logged 500. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemFilter.name);

  constructor(private readonly mapAppError: ErrorMapper = () => null) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const ctx = host.switchToHttp();
    // Express's request and response, or Fastify's request and reply: both have `originalUrl`.
    const req = ctx.getRequest<{ originalUrl?: string; url?: string; method?: string }>();
    const res = ctx.getResponse<ProblemResponse>();
    const url = req.originalUrl ?? req.url;
    sendProblem(res, this.missingRoute(exception, req, url) ?? this.toProblem(exception, req), url);
  }

  /**
   * The router found no route for the request (Nest's own NotFoundException, "Cannot PUT /v1/events"): when the path
   * has routes under other methods, 405 with them in `Allow`, not a 404 that says the resource does not exist; when
   * it has none, 404 `ROUTE.NOT_FOUND`.
   */
  private missingRoute(exception: unknown, req: { method?: string }, url: string | undefined): ProblemError | null {
    if (!(exception instanceof NotFoundException) || exception instanceof ProblemError || !req.method || !url) return null;
    const response = exception.getResponse() as { message?: unknown } | string;
    const message = typeof response === 'string' ? response : response.message;
    if (typeof message !== 'string' || !message.startsWith(`Cannot ${req.method} `)) return null;
    const allowed = routeMethodsOf(req)?.allowed(url) ?? [];
    if (allowed.includes(req.method)) return null;
    // No route at all: said in the API's own words (a code a client can switch on), not as Nest's "Cannot GET".
    if (!allowed.length) return problems.noRoute(req.method, url.split('?')[0]);
    return problems.methodNotAllowed(req.method, url.split('?')[0], allowed);
  }

  toProblem(exception: unknown, request?: { method?: string }): ProblemError {
    if (exception instanceof ProblemError) return exception;
    const mapped = this.mapAppError(exception, request);
    if (mapped) return mapped;
    const parsed = bodyParserProblem(exception, 'the configured limit');
    if (parsed) return parsed;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const readiness = status === 503 ? readinessProblem(exception.getResponse()) : null;
      if (readiness) return readiness;
      const response = exception.getResponse() as { message?: string | string[] } | string;
      const message = typeof response === 'string' ? response : [response.message].flat().join('; ');
      // The router's and the parser's own refusals, said as ours: a Content-Type Fastify cannot read
      // ("application/json, text/plain"), a path segment that is not percent-encoded UTF-8 ("%ff").
      if (status === 415) return problems.unsupportedMediaType();
      if (status === 400 && /^Failed to decode param/i.test(message)) return problems.undecodableUrl();
      return new ProblemError(status, `HTTP.${status}`, exception.name.replace(/Exception$/, ''), message);
    }
    this.logger.error(`unhandled error: ${(exception as Error)?.stack ?? String(exception)}`);
    return new ProblemError(500, 'INTERNAL', 'Internal error', 'Something failed on our side; it was logged.');
  }
}
