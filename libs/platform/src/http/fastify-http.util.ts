import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger as PinoRoot } from 'pino';
import { logRequestEnd, requestIdOf } from '../logging/logging.module';
import { FieldProblem, ProblemError, problems } from './problem.errors';
import { duplicateKeyPath } from './json-duplicate-keys.util';
import { inexactNumbers } from './json-exact-numbers.util';
import { sendProblem } from './problem.filter';
import { attachRouteMethods, RouteMethods } from './route-methods.util';
import { securityHeaders } from './security-headers.util';

/** '2mb', '2048kb', '512b', '1024' as bytes (1 kb = 1024 bytes, as Express's `bytes` counts). */
export function bodyLimitBytes(limit: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(limit.trim());
  if (!m) throw new Error(`not a body limit: ${limit} (e.g. 256kb, 2mb)`);
  const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(m[2] ?? 'b').toLowerCase() as 'b' | 'kb' | 'mb' | 'gb'];
  return Math.floor(Number(m[1]) * unit);
}

/**
 * The adapter of a Fastify app. Routing as on Express: a trailing slash matches the same route, and a path
 * parameter may be long (find-my-way answers 414 past 100 characters by default; subjects can be longer). Request
 * ids come from `requestIdOf` (the client's X-Correlation-Id when sane, else a UUID) as Fastify's `request.id`.
 * Fastify's own logger stays off (the request line is ours); Node's HTTP parser errors go to `clientErrorHandler`
 * (Fastify installs its own otherwise, and two would both answer).
 */
export function fastifyAdapter(options: {
  bodyLimit: number;
  corsOrigins: readonly string[];
  clientErrorHandler: (error: NodeJS.ErrnoException, socket: import('node:stream').Duplex) => void;
}): FastifyAdapter {
  const headers = securityHeaders(options.corsOrigins);
  return new FastifyAdapter({
    logger: false,
    // Only a bound for Fastify's own parsers; ours (below) reads the body and applies the same limit.
    bodyLimit: options.bodyLimit,
    genReqId: (raw: IncomingMessage) => requestIdOf(raw.headers),
    requestIdHeader: false,
    // A request on a connection still open once Fastify closes (one pipelined behind a request in progress) is
    // served with `Connection: close`, as during the drain (http-drain.util), not answered Fastify's bare 503: the
    // app's pools close only after the server's last connection.
    return503OnClosing: false,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2048 },
    clientErrorHandler: options.clientErrorHandler,
    // URLs the router refuses before any hook or Nest runs (a percent-encoding that is not UTF-8, a parameter
    // over maxParamLength): Fastify would answer its own JSON; they get a problem with our headers, as on Express
    // (whose URIError Nest turns into a 400).
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      reply.raw.setHeader('x-correlation-id', request.id);
      headers(request, reply.raw);
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
      const problem =
        status === 414
          ? new ProblemError(414, 'HTTP.414', 'URI Too Long', 'The URL is not valid: a path parameter is too long.', [
              { path: 'url', message: 'a path parameter is too long' },
            ])
          : problems.undecodableUrl();
      sendProblem(reply, problem, request.url);
    },
  });
}

type Done = (error: Error | null, body?: unknown) => void;

/**
 * The JSON body parser, with the Express parser's behaviour (body-parser's `json()`, which the Express apps keep):
 * a body over the limit is a 413 (from Content-Length before reading, or as soon as the bytes pass it), bytes that
 * are not UTF-8 are a 400 (never decoded with U+FFFD in their place, which would record other text than the
 * client sent), a charset other than UTF-8 or a compressed body is a 415, a top-level value that is not an object
 * or an array is a 400, an empty body is `{}`. Its errors are ProblemErrors, which reach the app's ProblemFilter
 * unchanged (Nest turns Fastify's own errors into bare HttpExceptions, losing their code).
 *
 * Differences from Fastify's default parser, on purpose: plain `JSON.parse`, so an own `__proto__` key stays a
 * key that validation names by its path (Fastify's secure-json-parse would refuse the whole body with its own
 * message); an empty body is `{}` rather than FST_ERR_CTP_EMPTY_JSON_BODY; no gzip/deflate (body-parser inflates;
 * no client of ours compresses, and an inflated body would need its own limit).
 */
function jsonBodyParser(limit: number, limitText: string) {
  return (request: FastifyRequest, payload: IncomingMessage, done: Done): void => {
    const headers = request.headers;
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(headers['content-type'] ?? '');
    // UTF-8 alone: the body is decoded as UTF-8, so "utf-16" or "utf-7" would be read as other text than was sent.
    if (charset && !['utf-8', 'utf8'].includes(charset[1].toLowerCase())) return done(problems.unsupportedMediaType());
    const encoding = headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return done(problems.unsupportedMediaType());
    const declared = headers['content-length'];
    if (declared !== undefined && Number(declared) > limit) return done(problems.tooLarge(limitText));
    const chunks: Buffer[] = [];
    let received = 0;
    let stopped = false;
    const stop = () => {
      stopped = true;
      payload.removeListener('data', onData);
      payload.removeListener('end', onEnd);
      payload.removeListener('error', onError);
    };
    const onData = (chunk: Buffer) => {
      if (stopped) return;
      received += chunk.length;
      if (received <= limit) return void chunks.push(chunk);
      // The rest of the body is read and dropped by Node once the 413 is sent.
      stop();
      done(problems.tooLarge(limitText));
    };
    const onEnd = () => {
      if (stopped) return;
      stop();
      if (declared !== undefined && Number(declared) !== received) {
        return done(new ProblemError(400, 'REQUEST.MALFORMED_HTTP', 'Bad Request', 'The body is not as long as its Content-Length.'));
      }
      parseJson(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received), request, done);
    };
    const onError = () => {
      if (stopped) return;
      stop();
      done(new ProblemError(400, 'REQUEST.ABORTED', 'Request aborted'));
    };
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onError);
  };
}

const NOT_UTF8 = 'Body is not valid UTF-8';

/**
 * What the JSON body parser leaves on a request beside its body: the numbers of the body JSON.parse read as another
 * value (`inexactNumbers`: `4.0000000000000001` read as 4), each with its path. The route refuses them with its own
 * validation errors (ingest's write routes), so a refused body is answered as any other: a batch item alone, and the
 * retry of an event an earlier release recorded as its duplicate.
 */
type ParsedJsonRequest = FastifyRequest & { inexactNumbers?: FieldProblem[] };

function parseJson(buf: Buffer, request: ParsedJsonRequest, done: Done): void {
  if (!isUtf8(buf)) return done(problems.malformedJson(NOT_UTF8));
  // A UTF-8 byte order mark is dropped, as body-parser's decoder does.
  const start = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  const text = buf.toString('utf8', start);
  let i = 0;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  if (i === text.length) return done(null, {});
  if (text[i] !== '{' && text[i] !== '[') {
    return done(problems.malformedJson('Body is not valid JSON: a body must be a JSON object or array'));
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return done(problems.malformedJson(`Body is not valid JSON: ${(error as Error).message}`));
  }
  const repeated = duplicateKeyPath(text, body);
  if (repeated !== null) return done(problems.duplicateKey(repeated));
  const inexact = inexactNumbers(text);
  if (inexact.length) request.inexactNumbers = inexact;
  done(null, body);
}

interface FastifyHttpOptions {
  logger: PinoRoot;
  corsOrigins: readonly string[];
  bodyLimit: number;
  limitText: string;
}

/** What Fastify's request carries for the request line: the key's id, named by the API-key guard. */
type ActorRequest = FastifyRequest & { actor?: string };

/**
 * Fastify's side of what the Express apps do with middleware (bootstrap.factory.ts), as hooks, which cost less
 * than middleware through @fastify/middie:
 * - onRequest: the request id echoed as X-Correlation-Id, the security headers and CORS (a preflight from a
 *   listed Origin answered 204 here, before routing), on every answer, errors and 404s included (Fastify keeps
 *   headers set before an error, except Content-Type and Content-Length);
 * - onResponse: the one line of a finished request (`logRequestEnd`), timed by Fastify's `reply.elapsedTime`;
 * - the JSON body parser above for application/json and application/*+json, and a 415 problem for any other
 *   body (Fastify's defaults, JSON and text/plain, are removed: on Express a text/plain body was left unparsed
 *   and failed validation; here it is refused before the handler).
 */
export function installFastifyHttp(fastify: FastifyInstance, options: FastifyHttpOptions): void {
  const headers = securityHeaders(options.corsOrigins);
  const logger = options.logger;
  // Every route as it is registered (Nest registers them at init, after this), for the 405s of the problem filter.
  const routes = new RouteMethods();
  fastify.addHook('onRoute', (route) => routes.add(route.method, route.url));
  attachRouteMethods(fastify.server, routes);
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const raw = reply.raw;
    raw.setHeader('x-correlation-id', request.id);
    if (headers(request, raw)) {
      reply.code(204).send();
      return;
    }
    done();
  });
  fastify.addHook('onResponse', (request: ActorRequest, reply: FastifyReply, done: () => void) => {
    logRequestEnd(logger, {
      id: request.id,
      method: request.method,
      url: request.originalUrl,
      status: reply.statusCode,
      ms: reply.elapsedTime,
      actor: request.actor,
    });
    done();
  });
  fastify.removeAllContentTypeParsers();
  const json = jsonBodyParser(options.bodyLimit, options.limitText);
  fastify.addContentTypeParser('application/json', json);
  fastify.addContentTypeParser(/^application\/[^;\s]+\+json(?:;|$)/, json);
  fastify.addContentTypeParser('*', (_request: FastifyRequest, _payload: IncomingMessage, done: Done) =>
    done(problems.unsupportedMediaType()),
  );
}
