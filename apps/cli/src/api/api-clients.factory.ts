import { request as httpRequest, IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import createClient, { Client } from 'openapi-fetch';
import { CliConfig } from '../cli.config';
import { CliError } from '../output/cli.errors';
import { terminalText } from '../output/terminal-text.util';
import { textOf } from '../output/text.util';
import type { paths as IngestPaths } from './generated/ingest-api';
import type { paths as QueryPaths } from './generated/query-api';

export type IngestClient = Client<IngestPaths>;
export type QueryClient = Client<QueryPaths>;

/** What to do when a service does not answer: the stack is most likely not running. */
const notAnswering = (service: string, url: string, source: string, cause: unknown) =>
  new CliError(
    `${service} is not answering at ${url} (${causeText(cause)})${source === 'the default' ? '' : `, the address ${source} gives`}`,
    source === 'the default' || source === `--${service}-url` || source === `NEWSROOM_${service.toUpperCase()}_URL`
      ? `run \`newsroom stack up\` (or \`npm start\`), or point the CLI at it with --${service}-url / NEWSROOM_${service.toUpperCase()}_URL`
      : `check ${source}, which set it, or point the CLI at ${service} alone with --${service}-url / NEWSROOM_${service.toUpperCase()}_URL`,
  );

function causeText(error: unknown): string {
  const e = error as { cause?: { code?: string; message?: string }; message?: string };
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(error);
}

/**
 * fetch that turns a refused or failed connection into a CliError naming the service and what to run. A request with
 * a body goes through `sendBody`, which reads an answer the service gives before it has read the whole body.
 */
function serviceFetch(service: string, baseUrl: string, source: string): (input: Request) => Promise<Response> {
  return async (input) => {
    try {
      return input.body ? await sendBody(input) : await fetch(input);
    } catch (error) {
      if ((error as Error)?.name === 'AbortError') throw error;
      const failure = notAnswering(service, baseUrl, source, error);
      const { bodyCut, reset } = (error ?? {}) as BodyCut;
      Object.assign(failure, { bodyCut, reset });
      throw failure;
    }
  };
}

/**
 * Marks a failure where the connection broke before the whole body was sent: the service cannot have acted on a
 * request it did not read to the end, so sending it again (or in parts) records nothing twice. A service refusing a
 * body too large may reset the connection so fast that its 413 is lost (the reset drops what was not yet read,
 * even once the body was handed to the connection): ingest then sends the batch in halves when that is safe.
 */
export interface BodyCut {
  bodyCut?: boolean;
  /** The connection was reset or closed (EPIPE, ECONNRESET) with no answer, whether or not the body was all sent. */
  reset?: boolean;
}

/** How long to wait for the answer after the body could not be written (EPIPE, ECONNRESET) before giving up on it. */
const ANSWER_AFTER_WRITE_ERROR_MS = 2_000;

/**
 * A request with a body over node:http. A service refusing a body (413 from Content-Length) answers and closes the
 * connection before reading it all: the write then fails with EPIPE or ECONNRESET, and fetch (undici) reports only
 * that, losing the answer. Node's client still parses what came back, so the answer wins when there is one; with
 * none (the connection dropped before any answer) the write error is the failure.
 */
async function sendBody(input: Request): Promise<Response> {
  const body = Buffer.from(await input.arrayBuffer());
  const url = new URL(input.url);
  const headers: Record<string, string> = {};
  input.headers.forEach((value, name) => (headers[name] = value));
  headers['content-length'] = String(body.length);
  return new Promise<Response>((resolve, reject) => {
    let answered = false;
    let writeError: Error | undefined;
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method: input.method, headers, signal: input.signal });
    req.on('response', (res: IncomingMessage) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      const done = () => {
        const answer = new Headers();
        for (const [name, value] of Object.entries(res.headers))
          for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) answer.append(name, v);
        const status = res.statusCode ?? 502;
        const content = status === 204 || status === 304 || input.method === 'HEAD' ? null : Buffer.concat(chunks);
        resolve(new Response(content, { status, statusText: res.statusMessage, headers: answer }));
      };
      res.on('end', done);
      // The connection closing under a complete answer (it said `connection: close`) is not a failure.
      res.on('error', (error) => (res.complete ? done() : reject(error)));
      res.on('aborted', () => (res.complete ? done() : reject(writeError ?? new Error('the answer was cut'))));
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (answered) return;
      if (error.name === 'AbortError') return reject(error);
      const reset = error.code === 'EPIPE' || error.code === 'ECONNRESET';
      const failure = Object.assign(new Error(error.message), { cause: error, bodyCut: reset && !sent, reset });
      writeError = failure;
      if (!reset) return reject(failure);
      setTimeout(() => !answered && reject(failure), ANSWER_AFTER_WRITE_ERROR_MS);
    });
    // 'finish': the whole body went to the connection; an error before it means the service never read it all.
    let sent = false;
    req.on('finish', () => (sent = true));
    req.end(body);
  });
}

const authHeaders = (key: string | undefined): Record<string, string> => (key ? { authorization: `Bearer ${key}` } : {});

export function ingestClient(config: CliConfig): IngestClient {
  return createClient<IngestPaths>({
    baseUrl: config.ingestUrl,
    headers: authHeaders(config.key),
    fetch: serviceFetch('ingest', config.ingestUrl, config.ingestUrlSource),
  });
}

export function queryClient(config: CliConfig): QueryClient {
  return createClient<QueryPaths>({
    baseUrl: config.queryUrl,
    headers: authHeaders(config.key),
    fetch: serviceFetch('query', config.queryUrl, config.queryUrlSource),
  });
}

/**
 * A problem+json answer as a CliError: status, code, detail, field errors, and the next step for the usual ones.
 * What the service wrote is escaped (terminal-text.util), so a detail quoting a stored value with a line break or
 * an ESC in it stays on its line; the line breaks between the fields are the CLI's own.
 */
export function problemError(response: Response, body: unknown, config: CliConfig): CliError {
  const p = (body && typeof body === 'object' ? body : {}) as {
    code?: string;
    title?: string;
    detail?: string;
    errors?: { path?: string; message?: string }[];
  };
  const shown = (value: unknown) => terminalText(textOf(value));
  // A field error that only repeats the detail (a rule's refusal names its field with the same words) adds its path.
  // A key's refusal names the header that carried it; the hint below names what the user set (--key, a variable).
  const keyRefused = response.status === 401 || response.status === 403;
  const fields = (Array.isArray(p.errors) && !keyRefused ? p.errors : [])
    .map((e) => {
      const path = shown(e?.path) || '(body)';
      return e?.message === p.detail ? `\n  (${path})` : `\n  ${path}: ${shown(e?.message)}`;
    })
    .join('');
  const detail = p.detail ? `: ${shown(p.detail)}` : p.title ? `: ${shown(p.title)}` : '';
  const text = `${response.status} ${shown(p.code ?? response.statusText)}${detail}${fields}`;
  let hint: string | undefined;
  if (response.status === 401)
    hint = config.key
      ? `the key from ${config.keySource} was refused: check it against NEWSROOM_API_KEYS`
      : 'send a key: --key <secret> or NEWSROOM_API_KEY (npm start prints a development key and keeps it in .run/dev-api-key)';
  else if (response.status === 403) hint = `the key from ${config.keySource} lacks the scope: writes need a write or admin key`;
  else if (p.code === 'CONFLICT.NOT_FOUND' || (Array.isArray(p.errors) && p.errors.some((e) => e?.path === 'standingEventId')))
    // newsroom resolve: the conflict is not open with that side, or the side named is not one of its two.
    hint = 'newsroom report conflicts --status open lists the open conflicts, each side with its whole event id';
  else if (response.status === 404 && p.code === 'EVENT.NOT_FOUND')
    hint = 'check the event id (newsroom tail or GET /v1/events/{id} shows ids)';
  else if (response.status === 429 || response.status === 503)
    hint = `retry in ${terminalText(response.headers.get('retry-after') ?? 'a few')} s`;
  return new CliError(text, hint, 1);
}

/**
 * The service's answer to the head of a POST of `bytes` bytes, its body never sent: a service that refuses that size
 * answers 413 from the Content-Length alone (its problem names the limit), and nothing can be recorded since nothing
 * was sent. Null when it answers nothing else within `waitMs` (it waits for a body it would take) or fails.
 */
export function probeBodySize(
  config: CliConfig,
  path: string,
  bytes: number,
  waitMs = 2_000,
): Promise<{ status: number; problem: unknown } | null> {
  const url = new URL(path, config.ingestUrl);
  return new Promise((resolve) => {
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(bytes), ...authHeaders(config.key) },
    });
    const done = (answer: { status: number; problem: unknown } | null) => {
      clearTimeout(timer);
      req.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(null), waitMs);
    req.on('error', () => done(null));
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        let problem: unknown = null;
        try {
          problem = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          /* not JSON: the status alone */
        }
        done({ status: res.statusCode ?? 0, problem });
      });
      res.on('error', () => done({ status: res.statusCode ?? 0, problem: null }));
    });
    // The headers only: the body is never written.
    req.flushHeaders();
  });
}
