import { createServer, Server } from 'node:http';
import { Logger } from '@nestjs/common';
import { pino, type Logger as PinoRoot } from 'pino';
import { PROBLEM_CONTENT_TYPE, problems } from '../http/problem.errors';

/**
 * What a starting service is doing before its Nest app answers: bootstrapHttp opens the port at once with a small
 * server of its own (`listenWhileStarting`) that answers `/health/live` 200 and everything else 503 naming the wait
 * ("waiting for postgres"), so a liveness probe never kills a process that is only waiting, and readiness says why.
 * The Nest app takes the port over once it has started.
 */
const state: { waitingFor: string | null; log: PinoRoot | null } = { waitingFor: null, log: null };

/**
 * Startup's own log lines go out when they happen: Nest buffers its logger's lines until the app is created
 * (`bufferLogs`), which with a provider waiting for Postgres printed two minutes of warnings at exit. Same format as the
 * app's (pino JSON, `service`, `context`).
 */
export function startupWarn(message: string): void {
  if (state.log) state.log.warn(message);
  else new Logger('startup').warn(message);
}

/** What the process waits for now (e.g. `postgres`), or null: shown by readiness while it starts. */
export function startupWaitsFor(what: string | null): void {
  state.waitingFor = what;
}

export function startupWaitingFor(): string | null {
  return state.waitingFor;
}

/** How soon a live-feed client is told to come back while the service starts (the 503's Retry-After, in ms). */
const STARTING_RETRY_MS = 2000;

function answer(url: string | undefined, accept: string | undefined, res: import('node:http').ServerResponse): void {
  const path = (url ?? '/').split('?')[0];
  if (path === '/health/live') {
    res
      .writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', Connection: 'close' })
      .end(JSON.stringify({ status: 'ok', starting: true }));
    return;
  }
  const starting = state.waitingFor ? `Starting: waiting for ${state.waitingFor}.` : 'Starting.';
  // A browser's EventSource gives up for good on any answer but 200 (WHATWG HTML, "fail the connection"): a 503 here
  // left a dashboard whose query service restarted with no feed until reloaded. An event stream is answered as the
  // feed answers its end (200, the reconnect hint, `event: close`), so it comes back with its Last-Event-ID.
  if (accept?.includes('text/event-stream')) {
    const reason = { code: 'SERVICE.STARTING', message: `${starting} Reconnect with the last position to resume.` };
    res
      .writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', Connection: 'close' })
      .end(`retry: ${STARTING_RETRY_MS}\nevent: close\ndata: ${JSON.stringify(reason)}\n\n`);
    return;
  }
  const problem = problems.unavailable(starting, 2, 'SERVICE.STARTING', {
    checks: { startup: 'down' },
    waitingFor: state.waitingFor,
  });
  res
    .writeHead(503, { 'Content-Type': PROBLEM_CONTENT_TYPE, 'Retry-After': '2', Connection: 'close' })
    .end(JSON.stringify(problem.toBody(path)));
}

/**
 * Opens the service's port before the app starts (see above); resolves with a function that closes it (and its open
 * connections) for the app to listen. Rejects as listen would (EADDRINUSE), so a taken port still fails the start.
 */
export async function listenWhileStarting(service: string, port: number, host: string): Promise<() => Promise<void>> {
  state.log = pino({ level: process.env.LOG_LEVEL ?? 'info', base: { service } }).child({ context: 'startup' });
  // Short-lived and small: no keep-alive (every answer closes), and a client that trickles its headers is cut soon.
  const server: Server = createServer((req, res) => answer(req.url, req.headers.accept, res));
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      server.on('error', (error) => startupWarn(`the starting server failed: ${error.message}`));
      resolve();
    });
  });
  return () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
}
