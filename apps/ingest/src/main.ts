import 'reflect-metadata';
import { SwaggerModule } from '@nestjs/swagger';
import { bootstrapHttp, initMetrics, requireReadKeyOn } from '@newsroom/platform';
import { loadIngestConfig } from './config/ingest.config';
import { ingestOpenApi } from './docs/ingest-openapi.factory';
import { IngestModule } from './ingest.module';

async function main() {
  const config = loadIngestConfig();
  initMetrics('ingest');
  await bootstrapHttp(IngestModule.forRoot(config), {
    service: 'ingest',
    port: config.INGEST_PORT,
    bodyLimit: config.INGEST_BODY_LIMIT,
    configure: (app) => {
      // With NEWSROOM_REQUIRE_READ_KEY the API's description needs a read key too (Swagger is not behind Nest's guards).
      requireReadKeyOn(app, ['/docs']);
      SwaggerModule.setup('docs', app, () => ingestOpenApi(app), { jsonDocumentUrl: 'docs/openapi.json' });
    },
  });
}

main().catch((error) => {
  process.stderr.write(`ingest failed to start: ${error?.stack ?? error}\n`);
  process.exit(1);
});
