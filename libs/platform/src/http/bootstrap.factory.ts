import { DynamicModule, INestApplication, Logger as NestLogger, ShutdownSignal, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { json, NextFunction, Request, Response } from 'express';
import { Logger } from 'nestjs-pino';
import { bodyParserProblem, rejectNonUtf8Body, sendProblem } from './problem.filter';
import { PROBLEM_CONTENT_TYPE, ProblemError } from './problem.errors';
import { installProcessHandlers } from '../process/process-handlers.util';
import { requestLogMiddleware, ROOT_LOGGER } from '../logging/logging.module';
import { httpEnvSchema, loadConfig } from '../config/load-config.util';

/** The JSON API: nothing may be loaded, framed or run from a response. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/** The Swagger UI page: its own scripts, stylesheet (plus its inline <style>), images and API calls, nothing else. */
const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const CORS_HEADERS = 'Authorization, Content-Type, X-Api-Key, Idempotency-Key, Last-Event-ID';
const CORS_EXPOSE = 'Retry-After, Location, ETag, Link, X-Request-Id';

/**
 * Security headers on every response (a few lines instead of helmet: four fixed headers, no new dependency), and
 * CORS closed unless the Origin is in NEWSROOM_CORS_ORIGINS: only then are the Access-Control headers set and a
 * preflight answered (204); any other Origin gets no CORS header, so a browser keeps the response from the page.
 */
function securityHeaders(corsOrigins: readonly string[]) {
  const allowed = new Set(corsOrigins);
  return (req: Request, res: Response, next: NextFunction) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Content-Security-Policy', req.path === '/docs' || req.path.startsWith('/docs/') ? DOCS_CSP : API_CSP);
    const origin = req.headers.origin;
    if (allowed.size > 0) res.vary('Origin');
    if (origin && allowed.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Expose-Headers', CORS_EXPOSE);
      if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
        res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, POST, OPTIONS');
        res.setHeader('Access-Control-Allow-Headers', CORS_HEADERS);
        res.setHeader('Access-Control-Max-Age', '600');
        res.status(204).end();
        return;
      }
    }
    next();
  };
}

export interface HttpBootstrapOptions {
  service: string;
  port: number;
  host?: string;
  bodyLimit?: string;
  /** Called after the app is created and before it listens (swagger, websockets...). */
  configure?: (app: NestExpressApplication) => void | Promise<void>;
}

/**
 * Creates and starts an HTTP service the same way everywhere: structured logs, a bounded JSON body whose
 * parser errors leave as problem+json (413, 400), shutdown hooks so Ctrl-C and SIGTERM drain cleanly, and the
 * process-level handlers (unhandledRejection logged and counted, uncaughtException logged then exit 1).
 */
export async function bootstrapHttp(module: Type<unknown> | DynamicModule, options: HttpBootstrapOptions): Promise<INestApplication> {
  // Installed first, so a rejection or exception while the app starts is logged too (through Nest's Logger, which
  // is the app's pino logger once useLogger has run).
  let app: NestExpressApplication | null = null;
  installProcessHandlers({ service: options.service, beforeExit: () => app?.close() ?? Promise.resolve() });
  app = await NestFactory.create<NestExpressApplication>(module, { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  const http = loadConfig(httpEnvSchema, process.env);
  // First, so every answer (a body refused by the parser too) carries its request id and gets its log line.
  app.use(requestLogMiddleware(app.get(ROOT_LOGGER)));
  app.use(securityHeaders(http.NEWSROOM_CORS_ORIGINS));
  const limit = options.bodyLimit ?? '2mb';
  // Bodies that are not UTF-8 are refused (400), never decoded with replacement characters and stored altered.
  app.use(json({ limit, type: ['application/json', 'application/*+json'], verify: rejectNonUtf8Body }));
  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    const problem = bodyParserProblem(error, limit);
    if (!problem) return next(error);
    sendProblem(res, problem, req.originalUrl);
  });
  app.disable('x-powered-by');
  // With a key file, SIGHUP means "read the keys again" (auth/api-keys.service.ts), not "shut down" as in Nest's defaults.
  const reloadsKeys = Boolean(process.env.NEWSROOM_API_KEYS_FILE);
  app.enableShutdownHooks(Object.values(ShutdownSignal).filter((s) => !(reloadsKeys && s === ShutdownSignal.SIGHUP)));
  await options.configure?.(app);
  // Idle keep-alive sockets are closed by the server after 65 s, not Node's 5 s: longer than the idle timeouts of
  // clients and load balancers (60 s is common), so a client never sends on a socket the server is closing (a
  // reset the client cannot tell from a lost request). Headers must arrive within that time too (66 s by default):
  // a client trickling header bytes (slowloris) is cut then. requestTimeout bounds receiving the whole request
  // (headers + body); Node stops that clock once the request is read, so long SSE responses and upgraded
  // WebSockets are not cut by it. Node checks both every connectionsCheckingInterval (30 s by default, set before
  // listen: the timer starts on 'listening'); 1 s keeps the cut close to the bound. maxConnections caps the
  // sockets one process holds open (above the feed's own subscriber cap, which answers 503 first).
  const server = app.getHttpServer();
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = http.NEWSROOM_HTTP_HEADERS_TIMEOUT_MS;
  server.requestTimeout = Math.max(http.NEWSROOM_HTTP_REQUEST_TIMEOUT_MS, http.NEWSROOM_HTTP_HEADERS_TIMEOUT_MS);
  (server as { connectionsCheckingInterval?: number }).connectionsCheckingInterval = 1000;
  if (http.NEWSROOM_HTTP_MAX_CONNECTIONS > 0) server.maxConnections = http.NEWSROOM_HTTP_MAX_CONNECTIONS;
  server.on('clientError', answerClientError);
  await app.listen(options.port, options.host ?? '0.0.0.0');
  const url = await app.getUrl();
  new NestLogger(options.service).log(`${options.service} listening on ${url.replace('[::1]', '127.0.0.1')}`);
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
  const detail =
    status === 431
      ? 'The request line and headers are over 16 KiB; send long filters in fewer, shorter parameters.'
      : status === 408
        ? 'The request did not arrive in time.'
        : 'The request is not valid HTTP.';
  const body = JSON.stringify(new ProblemError(status, code, title, detail).toBody());
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
