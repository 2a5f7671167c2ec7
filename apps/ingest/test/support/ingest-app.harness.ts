import { INestApplication } from '@nestjs/common';
import { initMetrics } from '@newsroom/platform';
import { TestDatabase } from '@newsroom/testing';
import { loadIngestConfig } from '../../src/config/ingest.config';
import { startIngestHttp } from '../../src/ingest-http.factory';

/**
 * Ingest's HTTP app on a free port of loopback, over a test's own database, taking writes with `writeKey`, without
 * its Kafka submissions consumer; `env` adds or overrides settings.
 */
export async function startIngestApp(
  db: TestDatabase,
  label: string,
  writeKey: string,
  env: Record<string, string> = {},
): Promise<{ app: INestApplication; url: string }> {
  const config = loadIngestConfig({
    DATABASE_URL: db.url,
    INGEST_PORT: '0',
    INGEST_CONSUME_SUBMISSIONS: 'false',
    NEWSROOM_API_KEYS: `${writeKey}:write`,
    LOG_LEVEL: 'silent',
    ...env,
  });
  initMetrics(label);
  const app = await startIngestHttp(config, { port: 0, host: '127.0.0.1' });
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

/** POSTs JSON to ingest with the write key, answering the status, headers and parsed body. */
export function ingestPoster(url: string, writeKey: string) {
  return async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${writeKey}`, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers read field by field
    return { status: res.status, headers: res.headers, json: (await res.json()) as any };
  };
}
