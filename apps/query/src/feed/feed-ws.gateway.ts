import type { IncomingMessage, Server } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { WebSocketServer } from 'ws';
import { API_KEY_RING, ApiKeyRing, clientIp, PROBLEM_CONTENT_TYPE, ProblemError, problems, REQUIRE_READ_KEY } from '@newsroom/platform';
import { QUERY_CONFIG, QueryConfig } from '../config/query.config';
import { readAccessProblem } from './feed-access.util';
import { FeedConnections } from './feed-connections.service';
import { takeKeyParam } from './feed-key-param.middleware';
import { FeedHub } from './feed-hub.service';
import { FeedWsConnection, WS_PATH } from './feed-ws.connection';
import { WS_CLOSE_CODES } from './ws.sink';

/**
 * `/v1/feed/ws`: the live feed over WebSocket, on the same port as the HTTP API. Upgrades are taken from the
 * Nest HTTP server's `upgrade` event (Nest's guards never see them, so the read-key rule is applied here).
 */
@Injectable()
export class FeedWsGateway implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(FeedWsGateway.name);
  // Clients only ever send small subscribe messages; no compression keeps an idle socket's memory small.
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024, perMessageDeflate: false, clientTracking: false });
  private readonly connections = new Set<FeedWsConnection>();
  private server: Server | null = null;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly hub: FeedHub,
    private readonly slots: FeedConnections,
    @Inject(QUERY_CONFIG) private readonly config: QueryConfig,
    @Inject(API_KEY_RING) private readonly ring: ApiKeyRing,
    @Inject(REQUIRE_READ_KEY) private readonly requireReadKey: boolean,
  ) {}

  onApplicationBootstrap(): void {
    // A handshake `ws` refuses (no Sec-WebSocket-Key, another version, not GET) gets our problem+json, not its
    // text/html: with a listener, `ws` hands the refusal here instead of answering itself.
    this.wss.on('wsClientError', (error: Error, socket: Duplex, req: IncomingMessage) =>
      refuse(socket, handshakeProblem(error.message, req.method)),
    );
    this.server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    this.server.on('upgrade', this.onUpgrade);
    this.hub.onTick(() => this.connections.forEach((c) => c.tick()));
    this.logger.log(`live feed over WebSocket at ${WS_PATH}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.server?.off('upgrade', this.onUpgrade);
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
    const problem = readAccessProblem(this.ring, this.requireReadKey, req, new URL(req.url, 'http://query.local'));
    if (problem) return refuse(socket, problem);
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
      );
      this.connections.add(connection);
    });
  };
}

function originAllowed(origin: string, host: string | undefined, allowed: readonly string[]): boolean {
  if (allowed.includes(origin)) return true;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** The header each of `ws`'s handshake refusals is about, by its message (ws 8, websocket-server.js). */
const HANDSHAKE_HEADERS: ReadonlyArray<[RegExp, string]> = [
  [/Upgrade header/, 'Upgrade'],
  [/Sec-WebSocket-Key/, 'Sec-WebSocket-Key'],
  [/Sec-WebSocket-Version/, 'Sec-WebSocket-Version'],
  [/Sec-WebSocket-Protocol/, 'Sec-WebSocket-Protocol'],
  [/Sec-WebSocket-Extensions/, 'Sec-WebSocket-Extensions'],
];

/** A refused handshake as a problem: 405 for a method other than GET, else 400 naming the header at fault. */
function handshakeProblem(message: string, method = 'This method'): ProblemError {
  if (/HTTP method/.test(message)) return problems.methodNotAllowed(method, WS_PATH, ['GET']);
  const header = HANDSHAKE_HEADERS.find(([pattern]) => pattern.test(message))?.[1] ?? 'headers';
  const detail = `Not a WebSocket handshake: ${message.charAt(0).toLowerCase()}${message.slice(1)}.`;
  const extra: Record<string, string> = header === 'Sec-WebSocket-Version' ? { 'Sec-WebSocket-Version': '13, 8' } : {};
  return new ProblemError(400, 'REQUEST.INVALID', 'Invalid request', detail, [{ path: header, message }], {}, extra);
}

/** Answers an upgrade request with a problem+json HTTP response instead of switching protocols. */
function refuse(socket: Duplex, problem: ProblemError): void {
  const body = JSON.stringify(problem.toBody(WS_PATH));
  const headers = {
    'Content-Type': PROBLEM_CONTENT_TYPE,
    'Content-Length': String(Buffer.byteLength(body)),
    Connection: 'close',
    ...problem.headers,
  };
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
  socket.end(`HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\n${lines.join('\r\n')}\r\n\r\n${body}`);
}
