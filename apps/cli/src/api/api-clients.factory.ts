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

/** fetch that turns a refused or failed connection into a CliError naming the service and what to run. */
function serviceFetch(service: string, baseUrl: string, source: string): (input: Request) => Promise<Response> {
  return async (input) => {
    try {
      return await fetch(input);
    } catch (error) {
      if ((error as Error)?.name === 'AbortError') throw error;
      throw notAnswering(service, baseUrl, source, error);
    }
  };
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
  else if (response.status === 404 && p.code === 'EVENT.NOT_FOUND')
    hint = 'check the event id (newsroom tail or GET /v1/events/{id} shows ids)';
  else if (response.status === 429 || response.status === 503)
    hint = `retry in ${terminalText(response.headers.get('retry-after') ?? 'a few')} s`;
  return new CliError(text, hint, 1);
}
