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
    // Fastify, not Express: ingest is CPU-bound per request (issue 15); see bootstrap.factory.ts.
    adapter: 'fastify',
    configure: (app) => {
      // With NEWSROOM_REQUIRE_READ_KEY the API's description needs a read key too (Swagger is not behind Nest's guards;
      // on Fastify this is an onRequest hook, so it must be installed before the app listens).
      requireReadKeyOn(app, ['/docs']);
      SwaggerModule.setup('docs', app, () => ingestOpenApi(app), { jsonDocumentUrl: 'docs/openapi.json' });
    },
  });
}

main().catch((error) => {
  process.stderr.write(`ingest failed to start: ${error?.stack ?? error}\n`);
  process.exit(1);
});
