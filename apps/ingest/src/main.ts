import 'reflect-metadata';
import { initMetrics } from '@newsroom/platform';
import { loadIngestConfig } from './config/ingest.config';
import { startIngestHttp } from './ingest-http.factory';

async function main() {
  const config = loadIngestConfig();
  initMetrics('ingest');
  await startIngestHttp(config);
}

main().catch((error) => {
  process.stderr.write(`ingest failed to start: ${error?.stack ?? error}\n`);
  process.exit(1);
});
