import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CliError } from './output/cli.errors';

/** The repository root (the compiled CLI runs from dist/apps/cli/src). */
export const ROOT = join(__dirname, '..', '..', '..', '..');

export interface GlobalOptions {
  url?: string;
  ingestUrl?: string;
  queryUrl?: string;
  key?: string;
}

export interface CliConfig {
  ingestUrl: string;
  queryUrl: string;
  /** Where each URL came from (a flag, a variable, or the default), to name it when the service does not answer. */
  ingestUrlSource: string;
  queryUrlSource: string;
  key: string | undefined;
  /** Where the key came from, to say so when it is refused. */
  keySource: string;
}

const trim = (u: string) => u.replace(/\/+$/, '');

/** The run folder of `npm start` and `newsroom stack` (development key, logs, stack pid): NEWSROOM_RUN_DIR, else .run/. */
export function runDirOf(env: NodeJS.ProcessEnv = process.env, root = ROOT): string {
  return env.NEWSROOM_RUN_DIR ? resolve(env.NEWSROOM_RUN_DIR) : join(root, '.run');
}

/**
 * Flags win over the environment, any flag over any variable: --ingest-url, then --url, then NEWSROOM_INGEST_URL,
 * then NEWSROOM_URL (likewise for the query service; the --url/NEWSROOM_URL pair is one base serving both, a proxy in
 * front), else the ports `npm start` uses.
 * The key: --key, NEWSROOM_API_KEY, else the development key `npm start` keeps in .run/dev-api-key (NEWSROOM_RUN_DIR).
 */
export function resolveConfig(o: GlobalOptions, env: NodeJS.ProcessEnv = process.env, root = ROOT): CliConfig {
  // Any flag beats any variable: `--url` typed now wins over a NEWSROOM_INGEST_URL exported last week.
  const [ingestUrl, ingestUrlSource] = urlOf([
    ['--ingest-url', o.ingestUrl],
    ['--url', o.url],
    ['NEWSROOM_INGEST_URL', env.NEWSROOM_INGEST_URL],
    ['NEWSROOM_URL', env.NEWSROOM_URL],
    ['the default', `http://127.0.0.1:${env.INGEST_PORT || 3001}`],
  ]);
  const [queryUrl, queryUrlSource] = urlOf([
    ['--query-url', o.queryUrl],
    ['--url', o.url],
    ['NEWSROOM_QUERY_URL', env.NEWSROOM_QUERY_URL],
    ['NEWSROOM_URL', env.NEWSROOM_URL],
    ['the default', `http://127.0.0.1:${env.QUERY_PORT || 3000}`],
  ]);
  const urls = { ingestUrl, queryUrl, ingestUrlSource, queryUrlSource };
  if (o.key) return { ...urls, key: o.key, keySource: '--key' };
  if (env.NEWSROOM_API_KEY) return { ...urls, key: env.NEWSROOM_API_KEY, keySource: 'NEWSROOM_API_KEY' };
  const devKey = join(runDirOf(env, root), 'dev-api-key');
  const keySource = env.NEWSROOM_RUN_DIR ? devKey : '.run/dev-api-key';
  if (existsSync(devKey)) return { ...urls, key: readFileSync(devKey, 'utf8').trim(), keySource };
  return { ...urls, key: undefined, keySource: 'none' };
}

/**
 * The first URL given, in order, and where it came from. One that is not an http(s) URL is the user's mistake,
 * named with where it came from (exit 2), not a fetch error about a path glued to it.
 */
function urlOf(candidates: Array<[string, string | undefined]>): [string, string] {
  const [source, value] = candidates.find(([, v]) => v !== undefined && v !== '')!;
  let parsed: URL | null = null;
  try {
    parsed = new URL(value!);
  } catch {
    parsed = null;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new CliError(`${source} ${JSON.stringify(value)} is not an http(s) URL`, 'give one such as http://127.0.0.1:3001');
  }
  return [trim(value!), source];
}
