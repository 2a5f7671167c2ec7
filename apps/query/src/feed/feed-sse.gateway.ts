import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { parse as parseQueryString } from 'node:querystring';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  API_KEY_RING,
  ApiKeyRing,
  clientIp,
  keyInHeaders,
  PROBLEM_CONTENT_TYPE,
  ProblemError,
  RateLimitPolicy,
  requestIdOf,
  REQUIRE_READ_KEY,
  securityHeaders,
  setRateLimitHeaders,
  takeRateLimitToken,
} from '@newsroom/platform';
import { QUERY_CONFIG, QUERY_READ_LIMIT, QueryConfig } from '../config/query.config';
import { FeedConnections } from './feed-connections.service';
import { takeKeyParam } from './feed-key-param.middleware';
import { parseStreamQuery, StreamQuery } from './feed-query.reader';
import { FeedSseStreams } from './feed-sse-streams.service';
import { withNegotiatedLang } from '../lang/accept-language.util';
import { FEED_STREAM_PARAMS } from './feed.schema';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** The paths Express routes to the stream: any letter case, one optional trailing slash (path-to-regexp 8). */
const STREAM_ROUTE = /^\/v1\/feed\/stream\/?$/i;
/** What sends parseurl to url.parse instead of its fast path (parseurl 1.3, `fastparse`). */
const SLOW_PARSE = /[\t\n\f\r #\u00a0\ufeff]/;

/**
 * GET /v1/feed/stream, taken from the HTTP server's 'request' event before Express sees it. An idle stream then
 * holds Node's request and response and our subscription only: no Express request and response (each with a
 * hidden class of its own), no router closures, no listener of the request logger. At 10,000 idle subscribers
 * that is most of the memory a stream costs above a bare node:http server (README, performance).
 *
 * Only accepted streams are served here, after the Nest route's checks in its order (read key, rate limit,
 * parameters, the client's connection cap) and with its headers (request id, security and CORS, RateLimit-*, the
 * stream's own). A request any check would refuse, or one this route does not take (HEAD, a body, a URL Express
 * routes elsewhere), goes on to Express as it came, so every refusal is the Nest route's own problem+json. The
 * checks before the rate limit read only; a refused token take changes nothing a second one would not, so the
 * guard then refuses it the same. The stream itself is opened by FeedSseStreams, as the controller opens it.
 */
@Injectable()
export class FeedSseGateway implements OnApplicationBootstrap {
  private readonly logger = new Logger(FeedSseGateway.name);
  private readonly headers: ReturnType<typeof securityHeaders>;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly streams: FeedSseStreams,
    private readonly connections: FeedConnections,
    @Inject(QUERY_CONFIG) config: QueryConfig,
    @Inject(QUERY_READ_LIMIT) private readonly readLimit: RateLimitPolicy,
    @Inject(API_KEY_RING) private readonly ring: ApiKeyRing,
    @Inject(REQUIRE_READ_KEY) private readonly requireReadKey: boolean,
  ) {
    this.headers = securityHeaders(config.NEWSROOM_CORS_ORIGINS);
  }

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    const express = server.listeners('request') as RequestListener[];
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (this.serve(req, res)) return;
      for (const listener of express) listener.call(server, req, res);
    });
  }

  /** Serves an accepted stream and answers true; false leaves the request to Express, untouched by anything that matters to it. */
  private serve(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'GET' || (req.headers['content-length'] ?? '0') !== '0' || req.headers['transfer-encoding']) return false;
    let url = req.url ?? '';
    const q = url.indexOf('?');
    // Characters that make Express's URL parser (parseurl) leave its fast path, a fragment among them (no client
    // sends one): Express might read that URL otherwise than we do here, so it is Express's to answer.
    if (!STREAM_ROUTE.test(q === -1 ? url : url.slice(0, q)) || SLOW_PARSE.test(url)) return false;
    // As feedKeyParam does first on Express (it finds nothing left to move when the request is handed on).
    if (q !== -1 && /key/i.test(url.slice(q))) {
      const taken = takeKeyParam(url);
      if (taken.key !== null) {
        if (!req.headers.authorization && !req.headers['x-api-key']) req.headers['x-api-key'] = taken.key;
        req.url = url = taken.url;
      }
    }
    // ApiKeyGuard's rule (the route asks for no scope of its own: reads need one only when keys are required).
    const held = this.ring.identify(keyInHeaders(req.headers));
    if (this.requireReadKey && (!held || !ApiKeyRing.satisfies(held.scope, 'read'))) return false;
    const { query, negotiated } = this.query(req, url);
    const ip = clientIp(req);
    if (!query || this.connections.atCap(ip)) return false;
    const token = takeRateLimitToken(this.readLimit, { method: 'GET', headers: req.headers, socket: req.socket, actor: held?.id });
    if (token && !token.allowed) return false;
    try {
      const id = requestIdOf(req.headers);
      res.setHeader('x-correlation-id', id);
      this.headers(req, res);
      // Without `lang` the stream's language is Accept-Language's choice.
      if (negotiated) res.setHeader('Vary', [res.getHeader('Vary'), 'Accept-Language'].filter(Boolean).join(', '));
      if (token) setRateLimitHeaders(res, token);
      // Not at the cap a moment ago, and nothing ran since: the slot is there.
      this.streams.open(res, query, ip, { id, started: performance.now(), actor: held?.id });
    } catch (error) {
      this.fail(res, error);
    }
    return true;
  }

  /** The parameters as the controller reads them (Express's "simple" query parser is node:querystring); null when not valid. */
  private query(req: IncomingMessage, url: string): { query: StreamQuery | null; negotiated: boolean } {
    const q = url.indexOf('?');
    // Without `lang`, Accept-Language's (as ContentLanguageInterceptor does on the Nest route).
    const { query: raw, negotiated } = withNegotiatedLang(
      q === -1 ? {} : parseQueryString(url.slice(q + 1)),
      req.headers['accept-language'],
    );
    const lastEventId = req.headers['last-event-id'];
    try {
      return { query: parseStreamQuery(raw, typeof lastEventId === 'string' ? lastEventId : undefined, FEED_STREAM_PARAMS), negotiated };
    } catch {
      return { query: null, negotiated };
    }
  }

  /** A fault of ours while opening (Nest's filter would answer a logged 500): the same answer, or a cut if the head is out. */
  private fail(res: ServerResponse, error: unknown): void {
    this.logger.error(`unhandled error opening a stream: ${(error as Error)?.stack ?? String(error)}`);
    if (res.headersSent) return void res.destroy();
    const problem = new ProblemError(500, 'INTERNAL', 'Internal error', 'Something failed on our side; it was logged.');
    const body = JSON.stringify(problem.toBody(res.req?.url));
    res.writeHead(500, { 'Content-Type': PROBLEM_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  }
}
