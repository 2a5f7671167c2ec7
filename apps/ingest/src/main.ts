import 'reflect-metadata';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { bootstrapHttp, initMetrics } from '@newsroom/platform';
import { loadIngestConfig } from './config/ingest.config';
import { IngestModule } from './ingest.module';

async function main() {
  const config = loadIngestConfig();
  initMetrics('ingest');
  await bootstrapHttp(IngestModule.forRoot(config), {
    service: 'ingest',
    port: config.INGEST_PORT,
    bodyLimit: config.INGEST_BODY_LIMIT,
    configure: (app) => {
      const doc = new DocumentBuilder()
        .setTitle('Newsroom ingest API')
        .setDescription('Record, correct and retract story events. Writes need a key with the write scope.')
        .setVersion('1')
        .addBearerAuth()
        .build();
      SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc), { jsonDocumentUrl: 'docs/openapi.json' });
    },
  });
}

main().catch((error) => {
  process.stderr.write(`ingest failed to start: ${error?.stack ?? error}\n`);
  process.exit(1);
});
