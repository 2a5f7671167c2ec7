import 'reflect-metadata';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { bootstrapHttp, initMetrics, requireReadKeyOn, serveApiDocs } from '@newsroom/platform';
import { loadQueryConfig } from './config/query.config';
import { asyncApiDocument } from './docs/asyncapi.middleware';
import { QUERY_PROBLEM_SCHEMAS } from './docs/zod-openapi.decorator';
import { feedKeyParam } from './feed/feed-key-param.middleware';
import { QueryModule } from './query.module';

async function main() {
  const config = loadQueryConfig();
  initMetrics('query');
  await bootstrapHttp(QueryModule.forRoot(config), {
    service: 'query',
    port: config.QUERY_PORT,
    // No route of the query service takes a body: anything over 1 kB is refused (413) from its Content-Length, unread.
    bodyLimit: '1kb',
    configure: (app) => {
      // First, before the request logger: `?key=` on the SSE stream becomes a header and leaves the logged URL.
      app.use(feedKeyParam);
      const doc = new DocumentBuilder()
        .setTitle('Newsroom query API')
        .setDescription('Feed history, live stream (SSE, WebSocket), reports, entities and sources.')
        .setVersion('1')
        .addServer('/', 'The host that serves this document (npm start: http://localhost:3000)')
        .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A read key: "Authorization: Bearer <key>"' }, 'bearer')
        .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'The same read key as a header' }, 'api-key')
        // Reads need a key only with NEWSROOM_REQUIRE_READ_KEY=true: either header, or none (the empty requirement).
        .addSecurityRequirements('bearer')
        .addSecurityRequirements('api-key')
        .addSecurityRequirements({})
        .build();
      // With NEWSROOM_REQUIRE_READ_KEY the API's description needs a read key too (Swagger is not behind Nest's guards).
      requireReadKeyOn(app, ['/docs']);
      // The Kafka side (AsyncAPI 3), beside the HTTP side, under the same read-key rule.
      app.use(
        '/docs/asyncapi.json',
        asyncApiDocument({ prefix: config.KAFKA_TOPIC_PREFIX, brokers: config.KAFKA_BROKERS, partitions: config.KAFKA_EVENTS_PARTITIONS }),
      );
      // The Swagger page and the files it loads, nothing else of swagger-ui-dist (404 for the rest under /docs).
      serveApiDocs(app, () => {
        const document = SwaggerModule.createDocument(app, doc);
        document.components = { ...document.components, schemas: { ...document.components?.schemas, ...QUERY_PROBLEM_SCHEMAS } };
        return document;
      }, ['asyncapi.json']);
    },
  });
}

main().catch((error) => {
  process.stderr.write(`query failed to start: ${error?.stack ?? error}\n`);
  process.exit(1);
});
