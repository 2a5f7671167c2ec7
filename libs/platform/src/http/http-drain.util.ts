import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

export interface HttpDrainResult {
  /** How long the drain waited for the connections to end (ms). */
  waitedMs: number;
  /** Keep-alive connections still idle when the grace ran out, closed by the server. */
  closedIdle: number;
  /** Connections with a request still in progress then: they go on until answered. */
  busy: number;
}

/**
 * Stops an HTTP server without resetting a request a client has already sent on a kept-alive connection.
 *
 * Node's `server.close()` (19+) stops taking connections and at once destroys every keep-alive connection that is
 * idle between two requests (`closeIdleConnections`). A client that has just sent its next request on such a
 * connection (a writer in a loop sends it within a millisecond of the last answer) gets a reset, not an answer, and
 * cannot tell whether its request was taken (nodejs/node#60617; RFC 9112 9.6). The drain does it in this order:
 * 1. the listening socket is closed (net's close, not http's: the idle connections are kept), so a new connection
 *    is refused, which a client knows as "not sent";
 * 2. every answer not yet started, and every answer to a request that arrives from now on, carries
 *    `Connection: close`: the request is served (the app's pools close only once the server has no connection
 *    left) and Node closes the connection after the answer, so a client in a loop moves off it at its next request;
 * 3. once no connection is left, or after `graceMs`, the connections that are still idle (no request for the whole
 *    grace) are closed; those with a request in progress finish it (the caller's own close waits for them) and are
 *    closed after its answer.
 * An upgraded connection (a WebSocket) has no request in progress here: the app closes its own before the server
 * closes (the query's gateway, in beforeApplicationShutdown), and one still open is closed with the idle ones. No
 * 'upgrade' listener is added for it: with a second one, the query's gateway took a handshake to another path for
 * another handler's and left it hanging, where it answers 404 as the only one.
 */
export function httpDrain(server: Server, graceMs: number): () => Promise<HttpDrainResult> {
  let draining = false;
  let graceOver = false;
  let done: Promise<HttpDrainResult> | null = null;
  let changed: (() => void) | null = null;
  // Each HTTP connection with its requests in progress (a pipelined client may have several).
  const connections = new Map<Socket, number>();
  const answers = new Set<ServerResponse>();
  server.on('connection', (socket: Socket) => {
    connections.set(socket, 0);
    socket.once('close', () => {
      connections.delete(socket);
      changed?.();
    });
  });
  // First of the 'request' listeners, so the app's own (Express, Fastify) sees the header already set.
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    if (connections.has(socket)) connections.set(socket, connections.get(socket)! + 1);
    answers.add(res);
    if (draining) res.setHeader('Connection', 'close');
    res.once('close', () => {
      answers.delete(res);
      const n = connections.get(socket);
      if (n === undefined) return;
      connections.set(socket, Math.max(0, n - 1));
      // Past the grace, a connection whose answer had started before the drain (so without `Connection: close`)
      // is closed once that answer is done, or it would hold the server open for the whole keep-alive timeout.
      if (graceOver && n <= 1) socket.destroySoon();
    });
  });

  const drain = async (): Promise<HttpDrainResult> => {
    const started = Date.now();
    draining = true;
    for (const res of answers) if (!res.headersSent) res.setHeader('Connection', 'close');
    // Without closeIdleConnections (http.Server's close calls it): no more connections, and the open ones stay.
    if (server.listening) NetServer.prototype.close.call(server);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(finish, graceMs);
      function finish() {
        clearTimeout(timer);
        changed = null;
        resolve();
      }
      changed = () => {
        if (connections.size === 0) finish();
      };
      changed();
    });
    graceOver = true;
    let closedIdle = 0;
    let busy = 0;
    for (const [socket, requests] of connections) {
      if (requests > 0) {
        busy++;
        continue;
      }
      closedIdle++;
      // After what it is still writing (the end of the last answer, to a slow reader), not cutting it.
      socket.destroySoon();
    }
    return { waitedMs: Date.now() - started, closedIdle, busy };
  };
  return () => (done ??= drain());
}
