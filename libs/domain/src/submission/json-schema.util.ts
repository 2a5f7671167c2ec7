import { z } from 'zod';
import { correctionRequestSchema } from './correction-request.schema';
import { entityAliasRequestSchema } from './entity-alias-request.schema';
import { retractionRequestSchema } from './retraction-request.schema';
import { sourceRequestSchema } from './source-request.schema';
import { resolutionRequestSchema } from './resolution-request.schema';
import { storyRequestSchema } from './story-request.schema';
import { submissionSchema } from './submission.schema';

export type JsonSchemaTarget = 'openapi-3.0' | 'draft-2020-12' | 'draft-7';

export interface JsonSchemaOptions {
  /** openapi-3.0 (default) fits @nestjs/swagger documents; draft-2020-12 fits OpenAPI 3.1. */
  target?: JsonSchemaTarget;
}

// io "input": the request body as clients send it (defaulted fields such as modality stay optional).
function convert(schema: z.ZodType, options: JsonSchemaOptions = {}): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', target: options.target ?? 'openapi-3.0' });
}

/** JSON Schema of the submission envelope: a oneOf with one branch per recordable type. */
export function submissionJsonSchema(options?: JsonSchemaOptions): Record<string, unknown> {
  return convert(submissionSchema, options);
}

export function storyRequestJsonSchema(options?: JsonSchemaOptions): Record<string, unknown> {
  return convert(storyRequestSchema, options);
}

export function correctionRequestJsonSchema(options?: JsonSchemaOptions): Record<string, unknown> {
  return convert(correctionRequestSchema, options);
}

export function retractionRequestJsonSchema(options?: JsonSchemaOptions): Record<string, unknown> {
  return convert(retractionRequestSchema, options);
}

export function entityAliasRequestJsonSchema(options?: JsonSchemaOptions): Record<string, unknown> {
  return convert(entityAliasRequestSchema, options);
}

export function sourceRequestJsonSchema(options?: JsonSchemaOptions): Record<string, unknown> {
  return convert(sourceRequestSchema, options);
}

export function resolutionRequestJsonSchema(options?: JsonSchemaOptions): Record<string, unknown> {
  return convert(resolutionRequestSchema, options);
}
