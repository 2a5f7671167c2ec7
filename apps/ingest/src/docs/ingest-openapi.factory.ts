import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { OperationObject } from '@nestjs/swagger';
import { toOpenApi30 } from '@newsroom/platform';
import { PROBLEM_SCHEMA } from './responses.schema';

/**
 * The ingest OpenAPI document. Request bodies are the domain's zod schemas converted to JSON Schema (openapi-3.0
 * target), the same schemas that produce the 400 errors; errors are documented as problem+json.
 */
export function ingestOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Newsroom ingest API')
    .setDescription(
      "Record, correct and retract story events; read an event with its history and a subject's stream. " +
        'Writes need a key with the write scope ("Authorization: Bearer <key>" or "X-API-Key"); reads are open unless NEWSROOM_REQUIRE_READ_KEY=true. ' +
        'Send X-Correlation-Id / X-Causation-Id to trace a request into event metadata and Kafka headers.',
    )
    .setVersion('1')
    .addServer('/', 'The host that serves this document (npm start: http://localhost:3001)')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key: "Authorization: Bearer <key>"' }, 'bearer')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'The same API key as a header' }, 'api-key')
    .build();
  const doc = SwaggerModule.createDocument(app, config);
  doc.components = { ...doc.components, schemas: { ...doc.components?.schemas, Problem: PROBLEM_SCHEMA } };
  for (const [, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item) as [string, OperationObject][]) {
      if (!op?.security?.some((s) => 'bearer' in s)) continue;
      // Either header carries the key; reads need one only with NEWSROOM_REQUIRE_READ_KEY=true (the empty requirement).
      op.security = [{ bearer: [] }, { 'api-key': [] }, ...(method === 'get' ? [{}] : [])];
    }
  }
  return toOpenApi30(doc) as OpenAPIObject;
}
