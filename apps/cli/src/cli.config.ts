import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

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
  const ingestUrl = trim(
    o.ingestUrl ?? o.url ?? env.NEWSROOM_INGEST_URL ?? env.NEWSROOM_URL ?? `http://127.0.0.1:${env.INGEST_PORT || 3001}`,
  );
  const queryUrl = trim(o.queryUrl ?? o.url ?? env.NEWSROOM_QUERY_URL ?? env.NEWSROOM_URL ?? `http://127.0.0.1:${env.QUERY_PORT || 3000}`);
  if (o.key) return { ingestUrl, queryUrl, key: o.key, keySource: '--key' };
  if (env.NEWSROOM_API_KEY) return { ingestUrl, queryUrl, key: env.NEWSROOM_API_KEY, keySource: 'NEWSROOM_API_KEY' };
  const devKey = join(runDirOf(env, root), 'dev-api-key');
  const keySource = env.NEWSROOM_RUN_DIR ? devKey : '.run/dev-api-key';
  if (existsSync(devKey)) return { ingestUrl, queryUrl, key: readFileSync(devKey, 'utf8').trim(), keySource };
  return { ingestUrl, queryUrl, key: undefined, keySource: 'none' };
}
