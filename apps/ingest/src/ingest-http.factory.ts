import { INestApplication } from '@nestjs/common';
import { bootstrapHttp, requireReadKeyOn, requireWriteKeyBeforeBody, serveApiDocs } from '@newsroom/platform';
import type { IngestConfig } from './config/ingest.config';
import { ingestOpenApi } from './docs/ingest-openapi.factory';
import { IngestModule } from './ingest.module';

/**
 * The ingest HTTP app as it runs: Nest on Fastify (ingest is CPU-bound per request, issue 15; see
 * bootstrap.factory.ts), the body limit, and the API's description at /docs behind the read key when reads need
 * one. The process entry point and the specs and benches that start ingest in process all start it here, so they
 * run the same server. `listen` overrides the configured port (0: any free port) and host.
 */
export function startIngestHttp(config: IngestConfig, listen: { port?: number; host?: string } = {}): Promise<INestApplication> {
  return bootstrapHttp(IngestModule.forRoot(config), {
    service: 'ingest',
    port: listen.port ?? config.INGEST_PORT,
    ...(listen.host ? { host: listen.host } : {}),
    bodyLimit: config.INGEST_BODY_LIMIT,
    adapter: 'fastify',
    configure: (app) => {
      // Swagger is not behind Nest's guards; on Fastify the read-key check is an onRequest hook, so it must be
      // installed before the app listens.
      requireReadKeyOn(app, ['/docs']);
      // A write's key is checked from its headers, before its body is read (the guard checks it again in the route).
      requireWriteKeyBeforeBody(app, '/v1');
      // The Swagger page and the files it loads, nothing else of swagger-ui-dist (404 for the rest under /docs).
      serveApiDocs(app, () => ingestOpenApi(app));
    },
  });
}
