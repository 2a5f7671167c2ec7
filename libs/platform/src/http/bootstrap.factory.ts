import { DynamicModule, INestApplication, Logger as NestLogger, ShutdownSignal, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { NextFunction, Request, Response } from 'express';
import { Logger } from 'nestjs-pino';
import { bodyParserProblem, rejectNonUtf8Body, sendProblem } from './problem.filter';
import { PROBLEM_CONTENT_TYPE, ProblemError } from './problem.errors';
import { installProcessHandlers } from '../process/process-handlers.util';
import { watchSupervisor } from '../process/supervisor-watch.util';
import { lowerProcessPriority } from '../process/process-priority.util';
import { securityHeaders } from './security-headers.util';
import { attachRouteMethods, collectExpressRoutes, RouteMethods } from './route-methods.util';
import { requestLogMiddleware, ROOT_LOGGER } from '../logging/logging.module';
import { httpEnvSchema, loadConfig } from '../config/load-config.util';
import { listenWhileStarting } from '../health/startup.util';
import { httpDrain } from './http-drain.util';

/** Express's side of `securityHeaders` (security-headers.util.ts): a listed Origin's preflight is answered 204. */
function expressSecurityHeaders(corsOrigins: readonly string[]) {
  const apply = securityHeaders(corsOrigins);
  return (req: Request, res: Response, next: NextFunction) => {
    if (apply(req, res)) {
      res.status(204).end();
      return;
    }
    next();
  };
}

export interface HttpBootstrapOptions {
  service: string;
  port: number;
  host?: string;
  bodyLimit?: string;
  /**
   * The HTTP server under Nest: Express (the default: query, relay, projector) or Fastify (ingest, whose request
   * rate is CPU-bound: Fastify's routing, hooks and reply cost about half of Express's per request). Both give
   * the same answers: request ids, security headers, CORS, body limits, problem+json errors, client errors.
   */
  adapter?: 'express' | 'fastify';
  /**
   * A nice value (1-19) for a worker whose work may wait a few milliseconds behind the services readers wait on
   * (process-priority.util.ts); 0 or absent: the process keeps its priority.
   */
  nice?: number;
  /** Called after the app is created and before it listens (swagger, websockets...). */
  configure?: (app: NestExpressApplication & NestFastifyApplication) => void | Promise<void>;
}

/**
 * Creates and starts an HTTP service the same way everywhere: the port answers from the first moment (startup.util:
 * `/health/live` 200, readiness 503 "Starting: waiting for postgres." while the app starts), structured logs, a
 * bounded JSON body whose parser errors leave as problem+json (413, 400), shutdown hooks so Ctrl-C and SIGTERM drain cleanly (and the loss
 * of the supervisor named in NEWSROOM_SUPERVISOR_PID, supervisor-watch.util), and the process-level handlers
 * (unhandledRejection logged and counted, uncaughtException logged then exit 1).
 */
export async function bootstrapHttp(module: Type<unknown> | DynamicModule, options: HttpBootstrapOptions): Promise<INestApplication> {
  // Installed first, so a rejection or exception while the app starts is logged too (through Nest's Logger, which
  // is the app's pino logger once useLogger has run).
  let app: INestApplication | null = null;
  installProcessHandlers({ service: options.service, beforeExit: () => app?.close() ?? Promise.resolve() });
  const http = loadConfig(httpEnvSchema, process.env);
  // Before the app's own threads and connections: threads made later inherit the main thread's priority.
  const priority = options.nice ? lowerProcessPriority(options.nice) : null;
  const limit = options.bodyLimit ?? '2mb';
  // The port answers from here on (`/health/live` 200, the rest 503 naming what the start waits for: startup.util),
  // while the app is created: its providers may wait for Postgres, its bootstrap hooks for Kafka.
  const host = options.host ?? '0.0.0.0';
  const handOver = options.port ? await listenWhileStarting(options.service, options.port, host) : null;
  app =
    options.adapter === 'fastify'
      ? await createFastifyApp(module, limit, http.NEWSROOM_CORS_ORIGINS)
      : await createExpressApp(module, limit, http.NEWSROOM_CORS_ORIGINS);
  // With a key file, SIGHUP means "read the keys again" (auth/api-keys.service.ts), not "shut down" as in Nest's defaults.
  const reloadsKeys = Boolean(process.env.NEWSROOM_API_KEYS_FILE);
  app.enableShutdownHooks(Object.values(ShutdownSignal).filter((s) => !(reloadsKeys && s === ShutdownSignal.SIGHUP)));
  const supervisor = http.NEWSROOM_SUPERVISOR_PID;
  if (supervisor)
    watchSupervisor(supervisor, () => {
      new NestLogger(options.service).warn(`the supervisor that started this service (pid ${supervisor}) is gone: shutting down`);
      process.kill(process.pid, 'SIGTERM');
    });
  await options.configure?.(app as NestExpressApplication & NestFastifyApplication);
  // Idle keep-alive sockets are closed by the server after 65 s, not Node's 5 s: longer than the idle timeouts of
  // clients and load balancers (60 s is common), so a client never sends on a socket the server is closing (a
  // reset the client cannot tell from a lost request). Headers must arrive within that time too (66 s by default):
  // a client trickling header bytes (slowloris) is cut then. requestTimeout bounds receiving the whole request
  // (headers + body); Node stops that clock once the request is read, so long SSE responses and upgraded
  // WebSockets are not cut by it. Node checks both every connectionsCheckingInterval (30 s by default, set before
  // listen: the timer starts on 'listening'); 1 s keeps the cut close to the bound. maxConnections caps the
  // sockets one process holds open; set it above the feed's subscriber cap (FEED_MAX_SUBSCRIBERS, 20,000), which
  // is met first and refuses in words: an SSE stream is ended with an `event: close` frame FEED.TOO_MANY_SUBSCRIBERS,
  // a WebSocket closed with that reason. A socket over maxConnections is closed unanswered.
  const server = app.getHttpServer();
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = http.NEWSROOM_HTTP_HEADERS_TIMEOUT_MS;
  server.requestTimeout = Math.max(http.NEWSROOM_HTTP_REQUEST_TIMEOUT_MS, http.NEWSROOM_HTTP_HEADERS_TIMEOUT_MS);
  (server as { connectionsCheckingInterval?: number }).connectionsCheckingInterval = 1000;
  if (http.NEWSROOM_HTTP_MAX_CONNECTIONS > 0) server.maxConnections = http.NEWSROOM_HTTP_MAX_CONNECTIONS;
  // Fastify got answerClientError as its clientErrorHandler (it installs one of its own otherwise).
  if (options.adapter !== 'fastify') server.on('clientError', answerClientError);
  // Shutdown (SIGTERM, the supervisor gone, an uncaught exception) closes the server through the adapter, after the
  // app's beforeApplicationShutdown hooks and before its pools close: the drain goes first (http-drain.util), so a
  // request already sent on a kept-alive connection is answered, never reset, and the adapter's close then waits
  // for the requests still in progress.
  const drain = httpDrain(server, http.NEWSROOM_HTTP_DRAIN_MS);
  const adapter = app.getHttpAdapter();
  const closeAdapter = adapter.close.bind(adapter);
  adapter.close = async () => {
    const drained = await drain();
    new NestLogger(options.service).log(
      `HTTP drained in ${drained.waitedMs} ms: ${drained.closedIdle} idle keep-alive connection(s) closed, ${drained.busy} finishing a request`,
    );
    return closeAdapter();
  };
  await app.init();
  // Express's routes exist once Nest has registered them (Fastify's are collected as registered: installFastifyHttp).
  if (options.adapter !== 'fastify') {
    const routes = new RouteMethods();
    collectExpressRoutes(app.getHttpAdapter().getInstance(), routes);
    attachRouteMethods(server, routes);
  }
  // The port is refused for the moment between the two servers (about a millisecond): a probe retries.
  await handOver?.();
  await app.listen(options.port, host);
  const url = await app.getUrl();
  const logger = new NestLogger(options.service);
  logger.log(`${options.service} listening on ${url.replace('[::1]', '127.0.0.1')}`);
  if (priority)
    logger[priority.refused ? 'warn' : 'log'](
      `runs at nice ${priority.nice}, below the query service and ingest when cores are short: ${priority.threads} thread(s) set` +
        (priority.refused ? `, ${priority.refused} refused (${priority.error})` : ''),
    );
  return app;
}

/*
 * Each service loads the HTTP stack it runs on, not the other one: the adapter's modules are imported when the app is
 * created (Fastify's and its plugins' are about 0.15 s of CPU at every start of an Express service, and Express's at
 * ingest's).
 */
async function createExpressApp(module: Type<unknown> | DynamicModule, limit: string, corsOrigins: readonly string[]) {
  const { json } = await import('express');
  const app = await NestFactory.create<NestExpressApplication>(module, { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  // First, so every answer (a body refused by the parser too) carries its request id and gets its log line.
  app.use(requestLogMiddleware(app.get(ROOT_LOGGER)));
  app.use(expressSecurityHeaders(corsOrigins));
  // Bodies that are not UTF-8 are refused (400), never decoded with replacement characters and stored altered.
  app.use(json({ limit, type: ['application/json', 'application/*+json'], verify: rejectNonUtf8Body }));
  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    const problem = bodyParserProblem(error, limit);
    if (!problem) return next(error);
    sendProblem(res, problem, req.originalUrl);
  });
  app.disable('x-powered-by');
  return app;
}

/**
 * The same on Fastify (fastify-http.util.ts): hooks instead of middleware, and a JSON parser of our own with
 * body-parser's answers. Nest's own body parsers stay off (`bodyParser: false`): ours is the only one.
 */
async function createFastifyApp(module: Type<unknown> | DynamicModule, limit: string, corsOrigins: readonly string[]) {
  const { bodyLimitBytes, fastifyAdapter, installFastifyHttp } = await import('./fastify-http.util');
  const bodyLimit = bodyLimitBytes(limit);
  const adapter = fastifyAdapter({ bodyLimit, corsOrigins, clientErrorHandler: answerClientError });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  installFastifyHttp(adapter.getInstance(), { logger: app.get(ROOT_LOGGER), corsOrigins, bodyLimit, limitText: limit });
  return app;
}

/**
 * Requests Node's HTTP parser refuses before any app code runs (headers over 16 KiB, a header or request timeout,
 * malformed HTTP) get a problem+json answer like every other error, not Node's bare status line. A socket reset
 * by the client, or one whose response has started, is only closed.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: import('node:stream').Duplex): void {
  const started = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
  if (error.code === 'ECONNRESET' || !socket.writable || started) {
    socket.destroy();
    return;
  }
  const [status, code, title] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'REQUEST.HEADERS_TOO_LARGE', 'Request Header Fields Too Large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'REQUEST.TIMEOUT', 'Request Timeout']
        : [400, 'REQUEST.MALFORMED_HTTP', 'Bad Request'];
  const [detail, message] =
    status === 431
      ? [
          'The request line and headers are over 16 KiB: send fewer or shorter headers (to a report, long filters in fewer, shorter parameters).',
          'request line and headers over 16 KiB',
        ]
      : status === 408
        ? ['The request did not arrive in time.', 'not received in time']
        : ['The request is not valid HTTP.', 'not valid HTTP'];
  const body = JSON.stringify(new ProblemError(status, code, title, detail, [{ path: '', message }]).toBody());
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
