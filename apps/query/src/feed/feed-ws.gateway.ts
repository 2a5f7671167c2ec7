import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { WebSocketServer } from 'ws';
import {
  API_KEY_RING,
  ApiKeyRing,
  clientIp,
  keyInHeaders,
  ProblemError,
  problems,
  RateLimitPolicy,
  REQUIRE_READ_KEY,
  takeRateLimitToken,
  TakeResult,
  tooManyRequests,
} from '@newsroom/platform';
import { QUERY_CONFIG, QUERY_READ_LIMIT, QueryConfig } from '../config/query.config';
import { readAccessProblem } from './feed-access.util';
import { FeedConnections } from './feed-connections.service';
import { takeKeyParam } from './feed-key-param.middleware';
import { FeedHub } from './feed-hub.service';
import { FeedWsConnection, WS_PATH } from './feed-ws.connection';
import { handshakeProblem, originAllowed, refuse, shuttingDownProblem, wsUrlParamsProblem } from './feed-ws-handshake.util';
import { WS_CLOSE_CODES } from './ws.sink';
import { FeedStatus } from './feed-status.service';

/** The RateLimit-* headers of a token take (setRateLimitHeaders' values), for a head written by hand. */
const rateLimitHeaders = (t: TakeResult): Record<string, string> => ({
  'RateLimit-Limit': String(t.limit),
  'RateLimit-Remaining': String(t.remaining),
  'RateLimit-Reset': String(Math.max(0, Math.ceil(t.resetMs / 1000))),
});

/**
 * `/v1/feed/ws`: the live feed over WebSocket, on the same port as the HTTP API. Upgrades are taken from the
 * Nest HTTP server's `upgrade` event; Nest's guards never see them, so their rules are applied here in their order:
 * the read key, then the read rate limit (an upgrade is one request of the client's budget, as an SSE connect is),
 * then the URL's parameters (only `key`: filters go in the subscribe message).
 */
@Injectable()
export class FeedWsGateway implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(FeedWsGateway.name);
  // Clients only ever send small subscribe messages; no compression keeps an idle socket's memory small.
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024, perMessageDeflate: false, clientTracking: false });
  private readonly connections = new Set<FeedWsConnection>();
  private server: Server | null = null;
  private closing = false;
  /** The token each accepted handshake took, for its 101's RateLimit-* headers. */
  private readonly tokens = new WeakMap<IncomingMessage, TakeResult>();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly hub: FeedHub,
    private readonly slots: FeedConnections,
    private readonly status: FeedStatus,
    @Inject(QUERY_CONFIG) private readonly config: QueryConfig,
    @Inject(QUERY_READ_LIMIT) private readonly readLimit: RateLimitPolicy,
    @Inject(API_KEY_RING) private readonly ring: ApiKeyRing,
    @Inject(REQUIRE_READ_KEY) private readonly requireReadKey: boolean,
  ) {}

  onApplicationBootstrap(): void {
    // A handshake `ws` refuses (no Sec-WebSocket-Key, another version, not GET) gets our problem+json, not its
    // text/html: with a listener, `ws` hands the refusal here instead of answering itself.
    this.wss.on('wsClientError', (error: Error, socket: Duplex, req: IncomingMessage) =>
      refuse(socket, handshakeProblem(error.message, req.method)),
    );
    this.wss.on('headers', (headers: string[], req: IncomingMessage) => {
      const token = this.tokens.get(req);
      if (token) for (const [name, value] of Object.entries(rateLimitHeaders(token))) headers.push(`${name}: ${value}`);
    });
    this.server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    this.server.on('upgrade', this.onUpgrade);
    this.hub.onTick(() => this.connections.forEach((c) => c.tick()));
    this.logger.log(`live feed over WebSocket at ${WS_PATH}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    // The upgrade listener stays: without one, Node hands a handshake to Express as a plain request, whose answer
    // is 426 "open it with a WebSocket client", wrong for a client that did. Handshakes now get 503 with Retry-After.
    this.closing = true;
    this.connections.forEach((c) => c.shutdown());
    // The HTTP server waits for every socket: give clients a moment to answer the close frame, then cut.
    if (this.connections.size) await new Promise((resolve) => setTimeout(resolve, 1000).unref());
    this.connections.forEach((c) => c.terminate());
  }

  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    // First of all: a client that resets mid-answer must not become an unhandled 'error' on a bare socket.
    socket.on('error', () => undefined);
    let url: URL;
    try {
      // An absolute-form target is legal HTTP (`GET http://host/path`) and Node's parser lets a malformed one
      // through (`http://[`): parsing it throws, and a throw in an 'upgrade' listener would take the process down.
      url = new URL(req.url ?? '/', 'http://query.local');
    } catch {
      const detail = 'the request target is not a valid URL';
      return refuse(socket, problems.validation([{ path: 'url', message: detail }], detail));
    }
    if (url.pathname !== WS_PATH) {
      // Another upgrade handler may own that path; when there is none, answer rather than leave it hanging.
      if (this.server?.listenerCount('upgrade') === 1) refuse(socket, problems.notFound(`no WebSocket endpoint at ${url.pathname}`));
      return;
    }
    // A browser always sends Origin on a WebSocket handshake and WebSockets have no CORS: a page from another site
    // is refused here unless listed in NEWSROOM_CORS_ORIGINS (or served by this host). Non-browser clients send no
    // Origin and are judged by their key alone.
    const origin = req.headers.origin;
    if (origin && !originAllowed(origin, req.headers.host, this.config.NEWSROOM_CORS_ORIGINS)) {
      return refuse(
        socket,
        new ProblemError(403, 'AUTH.ORIGIN_REFUSED', 'Origin not allowed', `Pages from ${origin} may not open this WebSocket.`),
      );
    }
    // As on the SSE stream: `?key=` (any letter case) becomes X-API-Key unless a key header came, and leaves the
    // URL, so from here on the request carries no secret in its URL (for anything that logs it).
    const taken = takeKeyParam(req.url ?? '/');
    if (taken.key !== null && !req.headers.authorization && !req.headers['x-api-key']) req.headers['x-api-key'] = taken.key;
    req.url = taken.url;
    const rest = new URL(req.url, 'http://query.local');
    const problem = readAccessProblem(this.ring, this.requireReadKey, req, rest);
    if (problem) return refuse(socket, problem);
    const token = takeRateLimitToken(this.readLimit, {
      method: 'GET',
      headers: req.headers,
      socket: req.socket,
      actor: this.ring.identify(keyInHeaders(req.headers))?.id,
    });
    const limitHeaders = token ? rateLimitHeaders(token) : {};
    if (token && !token.allowed) {
      const limited = tooManyRequests(`more than ${this.readLimit.what}; retry after the time in Retry-After`, token.retryAfterMs);
      return refuse(socket, limited, limitHeaders);
    }
    const misplaced = wsUrlParamsProblem(rest.searchParams);
    if (misplaced) return refuse(socket, misplaced, limitHeaders);
    if (this.closing) return refuse(socket, shuttingDownProblem(Math.ceil(this.config.FEED_RETRY_MS / 1000)), limitHeaders);
    if (token) this.tokens.set(req, token);
    // The slot is taken from the upgrade on, subscribed or not; over the cap the socket is accepted only to be
    // closed with the reason (1013 Try Again Later), which a browser's WebSocket can read (it cannot read a 429).
    const release = this.slots.acquire(clientIp(req));
    // The socket's end frees the slot whatever happened: \`ws\` answers a bad handshake (no Sec-WebSocket-Key, a
    // wrong version) with a 400 itself and never calls back, and a client may vanish mid-handshake. Release is
    // idempotent, so the connection's own release on close is harmless.
    if (release) socket.once('close', release);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (!release) {
        const problem = this.slots.tooMany();
        ws.send(JSON.stringify({ type: 'error', problem: problem.toBody(WS_PATH) }));
        return ws.close(WS_CLOSE_CODES[problem.code] ?? 1013, problem.code);
      }
      const connection = new FeedWsConnection(
        ws,
        this.hub,
        this.config.FEED_SOCKET_HIGH_WATER_BYTES,
        this.config.FEED_WS_SUBSCRIBE_TIMEOUT_MS,
        (c) => {
          release();
          this.connections.delete(c);
        },
        this.status,
      );
      this.connections.add(connection);
    });
  };
}
