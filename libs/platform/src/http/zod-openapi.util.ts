import type { SchemaObject } from '@nestjs/swagger';
import { z } from 'zod';

/**
 * What zod's openapi-3.0 target (and a JSON Schema carried in a schema's metadata) leaves to do for an OpenAPI 3.0
 * document, applied to a schema or to a whole document: a JSON Schema `examples` array becomes OpenAPI 3.0's single
 * `example` (an OpenAPI `examples` map, on a media type or parameter, is an object and stays); and a nullable enum
 * lists null itself (OpenAPI 3.0.3: `nullable` does not widen an `enum`, and validators such as ajv hold to that).
 * `enum`, `example` and `default` values are data, copied as they are.
 */
export function toOpenApi30(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toOpenApi30);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'examples' && Array.isArray(value)) {
      if (value.length && !('example' in node)) out.example = value[0];
    } else out[key] = key === 'enum' || key === 'example' || key === 'default' ? value : toOpenApi30(value);
  }
  if (out.nullable === true && Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  return out;
}

/**
 * A zod schema as an OpenAPI 3.0 Schema Object: `io` "input" for what clients send (parameters, bodies), "output"
 * for what the server answers (unknown fields refused with additionalProperties: false). The openapi-3.0 target
 * spells "or null" as `nullable` and literals as one-value enums; toOpenApi30 does the rest.
 */
export function openApiSchema(schema: z.ZodType, io: 'input' | 'output'): SchemaObject {
  const json = z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return toOpenApi30(json) as SchemaObject;
}
