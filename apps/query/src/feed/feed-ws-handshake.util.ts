import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import { PROBLEM_CONTENT_TYPE, ProblemError, problems } from '@newsroom/platform';
import { WS_PATH } from './feed-ws.connection';

/** What a WebSocket subscribe message takes: named in the refusal of the same names in the URL. */
const SUBSCRIBE_FIELDS = ['after', 'types', 'subjects', 'organization', 'lang'];

/**
 * The parameters left in a WebSocket URL once `key` (any letter case) was taken out of it: each is refused (400
 * naming it), never ignored. `?organization=org:x` on the URL used to be dropped silently and the whole feed sent
 * as if it were the filtered one; filters go in the subscribe message. Null when the URL has no other parameter.
 */
export function wsUrlParamsProblem(search: URLSearchParams): ProblemError | null {
  const names = [...new Set(search.keys())];
  if (!names.length) return null;
  const errors = names.map((name) => ({
    path: name,
    message: SUBSCRIBE_FIELDS.includes(name)
      ? `not taken in the URL: send "${name}" in the subscribe message`
      : 'unknown parameter: the WebSocket URL takes only `key`',
  }));
  return problems.validation(
    errors,
    `The WebSocket URL takes no parameter but \`key\`: filters and the position (${SUBSCRIBE_FIELDS.join(', ')}) go in the ` +
      'subscribe message, sent once the socket is open, e.g. {"after":"0","types":["executive.departed"],"lang":"fr"}.',
  );
}

/** The 503 a handshake gets while this instance shuts down: retry (another instance, or this one restarted). */
export function shuttingDownProblem(retryAfterSeconds: number): ProblemError {
  return problems.unavailable(
    'This instance is shutting down: open the WebSocket again after Retry-After (this instance once restarted, or another) ' +
      'and subscribe from the last position you received.',
    retryAfterSeconds,
    'FEED.SHUTTING_DOWN',
  );
}

export function originAllowed(origin: string, host: string | undefined, allowed: readonly string[]): boolean {
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
export function handshakeProblem(message: string, method = 'This method'): ProblemError {
  if (/HTTP method/.test(message)) return problems.methodNotAllowed(method, WS_PATH, ['GET']);
  const header = HANDSHAKE_HEADERS.find(([pattern]) => pattern.test(message))?.[1] ?? 'headers';
  const detail = `Not a WebSocket handshake: ${message.charAt(0).toLowerCase()}${message.slice(1)}.`;
  const extra: Record<string, string> = header === 'Sec-WebSocket-Version' ? { 'Sec-WebSocket-Version': '13, 8' } : {};
  return new ProblemError(400, 'REQUEST.INVALID', 'Invalid request', detail, [{ path: header, message }], {}, extra);
}

/** Answers an upgrade request with a problem+json HTTP response instead of switching protocols. */
export function refuse(socket: Duplex, problem: ProblemError, extraHeaders: Record<string, string> = {}): void {
  const body = JSON.stringify(problem.toBody(WS_PATH));
  const headers = {
    'Content-Type': PROBLEM_CONTENT_TYPE,
    'Content-Length': String(Buffer.byteLength(body)),
    Connection: 'close',
    ...extraHeaders,
    ...problem.headers,
  };
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
  socket.end(`HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\n${lines.join('\r\n')}\r\n\r\n${body}`);
}
