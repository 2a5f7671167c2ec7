import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { Logger, PARAMS_PROVIDER_TOKEN, type Params, PinoLogger } from 'nestjs-pino';
import { pino, type Logger as PinoRoot } from 'pino';

/**
 * Query parameters that carry secrets (a read key for EventSource and browsers), by their letters and digits only, in
 * any letter case: `key`, `KEY`, `k%65y`, and the near misses a client may send by mistake (`key[]`, `key%00`, `key.`,
 * `x-api-key`, `api_key`), whose values would otherwise be logged and echoed in a problem's `instance`.
 */
const SECRET_PARAMS = new Set(['key', 'apikey', 'xapikey', 'token', 'accesstoken', 'authorization']);
const REDACTED = '[Redacted]';

const secretName = (name: string): boolean => SECRET_PARAMS.has(name.toLowerCase().replace(/[^a-z0-9]/g, ''));

function isSecretName(encoded: string): boolean {
  try {
    return secretName(decodeURIComponent(encoded.replace(/\+/g, ' ')));
  } catch {
    // Not percent-decodable (`key%ff`): its escapes are no letters.
    return secretName(encoded.replace(/%[0-9a-f]{2}/gi, ''));
  }
}

/** A URL as logged: the value of every secret parameter replaced, everything else as it came. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const hash = url.indexOf('#', q);
  const query = url.slice(q + 1, hash === -1 ? undefined : hash);
  const redacted = query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq === -1 ? pair : pair.slice(0, eq);
      return isSecretName(name) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
  return `${url.slice(0, q + 1)}${redacted}${hash === -1 ? '' : url.slice(hash)}`;
}

/** The app's root pino logger (one per process): the request line writes to it directly, no child per request. */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

@Global()
@Module({})
class AppLoggingModule {}

/**
 * One structured logger per app, behind Nest's Logger (nestjs-pino's Logger and PinoLogger on the root logger).
 * There is no pino-http middleware: requests are logged by `requestLogMiddleware` (one line as each ends), so a
 * request costs no child logger, no request-scoped store and no serialisation of its headers.
 */
export function loggingModule(service: string, level: string): DynamicModule {
  const logger = pino({
    level,
    base: { service },
    // Lines of the app itself never carry headers; kept in case one logs a request object.
    redact: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers["proxy-authorization"]', 'req.headers.cookie'],
  });
  const params: Params = { pinoHttp: { logger } };
  return {
    module: AppLoggingModule,
    providers: [Logger, PinoLogger, { provide: PARAMS_PROVIDER_TOKEN, useValue: params }, { provide: ROOT_LOGGER, useValue: logger }],
    exports: [Logger, PinoLogger, PARAMS_PROVIDER_TOKEN, ROOT_LOGGER],
  };
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A request's id: the client's X-Correlation-Id when it is a sane token, else a new UUID. */
export function requestIdOf(headers: IncomingHttpHeaders): string {
  const given = headers['x-correlation-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** What the line of a finished request says; `ms` is how long it took. */
export interface RequestEnd {
  id: string;
  method: string | undefined;
  url: string;
  status: number;
  ms: number;
  actor?: string;
}

/**
 * The one line of a finished request (both adapters call it: the Express middleware below and the Fastify
 * onResponse hook in fastify-http.util.ts). 5xx at error (503 at warn), 4xx at warn, the rest at debug (so a served request
 * writes nothing at the default info level: at 16 clients one synchronous stdout write per request was 6% of
 * ingest's CPU). Health probes and metric scrapes are not logged. Nothing is built for a line its level drops.
 */
export function logRequestEnd(logger: PinoRoot, end: RequestEnd): void {
  const status = end.status;
  // A 503 says "come back later" (Postgres or Kafka away, a queue full, starting, shutting down): an expected,
  // retried answer whose cause its mapper logs once; at error, an outage filled the error channel (t18: 221 lines of
  // ingest's in under three minutes), where 500s (something unexpected) belong.
  const level = status >= 500 && status !== 503 ? 'error' : status >= 400 ? 'warn' : 'debug';
  if (!logger.isLevelEnabled(level)) return;
  const url = end.url;
  if (url.startsWith('/health') || url === '/metrics') return;
  logger[level](
    {
      req: { id: end.id, method: end.method, url: redactUrl(url) },
      res: { statusCode: status },
      responseTime: Math.round(end.ms),
      ...(end.actor ? { actor: end.actor } : {}),
    },
    status === 503 ? 'request deferred' : status >= 500 ? 'request errored' : 'request completed',
  );
}

type LoggedRequest = IncomingMessage & { id?: string; actor?: string; originalUrl?: string };

/**
 * Request ids and the one log line of a request, on Express (ingest runs on Fastify: its hooks do the same, see
 * fastify-http.util.ts). The id (`requestIdOf`) is echoed in the response header and kept on `req.id` (ingest
 * stores it as the events' correlation id). When the response ends, one line (`logRequestEnd`): method, URL
 * (secret parameters redacted), status, duration, request id and the key's id.
 */
export function requestLogMiddleware(logger: PinoRoot) {
  return (req: LoggedRequest, res: ServerResponse, next: () => void): void => {
    const id = requestIdOf(req.headers);
    req.id = id;
    res.setHeader('x-correlation-id', id);
    const started = performance.now();
    res.once('finish', () =>
      logRequestEnd(logger, {
        id,
        method: req.method,
        url: req.originalUrl ?? req.url ?? '',
        status: res.statusCode,
        ms: performance.now() - started,
        actor: req.actor,
      }),
    );
    next();
  };
}
