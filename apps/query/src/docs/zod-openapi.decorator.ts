import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiParam,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { openApiSchema } from '@newsroom/platform';
import { z } from 'zod';

/** An endpoint's parameters: one zod object, a field per parameter. */
type ParamShape = z.ZodObject<Record<string, z.ZodType>>;

/** The problem+json body of every 4xx (RFC 9457 with a stable code and field errors). */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().meta({ description: 'Stable machine-readable code', example: 'REQUEST.INVALID' }),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .meta({
        description:
          'At most 100, and no more than 8 kB of JSON; `errorsOmitted` counts the rest. A path over 200 characters or a message over 300 is cut with "…" and its length in characters.',
      }),
    errorsOmitted: z
      .number()
      .int()
      .min(1)
      .optional()
      .meta({ description: 'Field errors beyond those listed in `errors` (absent when none)' }),
  })
  .meta({ description: 'RFC 9457 problem details with a stable code and field errors.' });

/** The 503 of a report: come back after Retry-After; READ_MODEL.BEHIND also says where the read models are. */
const unavailableSchema = problemSchema
  .extend({
    retryAfter: z.number().int().meta({ description: 'Seconds to wait, as in the Retry-After header' }),
    position: z.string().optional().meta({ description: 'READ_MODEL.BEHIND: the position the read models hold every event up to' }),
    minPosition: z.string().optional().meta({ description: 'READ_MODEL.BEHIND: the position asked for' }),
  })
  .meta({ description: 'RFC 9457 problem details of a 503, with the seconds to wait.' });

const problemContent = (schema: z.ZodType = problemSchema) => ({ 'application/problem+json': { schema: openApiSchema(schema, 'output') } });

/** The endpoint's query (and path) parameters, each from its field of the parameter schema. */
export function ApiParams(schema: ParamShape, options: { path?: readonly string[] } = {}) {
  const decorators = Object.entries(schema.shape).map(([name, field]) => {
    const { description, example, ...fieldSchema } = openApiSchema(field, 'input');
    const documented = {
      name,
      schema: fieldSchema,
      ...(description ? { description } : {}),
      ...(example !== undefined ? { example } : {}),
    };
    if (options.path?.includes(name)) return ApiParam(documented);
    // Required when the schema refuses the parameter's absence.
    return ApiQuery({ ...documented, required: !field.safeParse(undefined).success });
  });
  return applyDecorators(...decorators);
}

/** Another JSON shape a report answers with a `format` value (e.g. the timeline's TimelineJS). */
export interface AlternativeJson {
  format: string;
  description: string;
  schema: z.ZodType;
}

/** 200 as JSON (the response schema, or one of the alternatives) or CSV, 400 as problem+json. */
export function ApiReport(description: string, schema: z.ZodType, ...alternatives: AlternativeJson[]) {
  const json = openApiSchema(schema, 'output');
  return applyDecorators(
    ApiOkResponse({
      description: [
        description,
        ...alternatives.map((a) => a.description),
        'Also as CSV with ?format=csv or Accept: text/csv (RFC 4180, header row).',
      ].join(' '),
      content: {
        'application/json': {
          schema: alternatives.length ? { oneOf: [json, ...alternatives.map((a) => openApiSchema(a.schema, 'output'))] } : json,
        },
        'text/csv': { schema: { type: 'string' } },
      },
      headers: {
        'Newsroom-Position': {
          description: 'Every event recorded up to this global position is in the answer (see the `minPosition` parameter).',
          schema: { type: 'string', example: '1234' },
        },
        'Newsroom-Partial': {
          description:
            'Present when a read model the answer draws on lacks part of the log: it is still being backfilled (its history ' +
            'folded in after it was added to a running system), or it has no checkpoint yet while the log holds events (a ' +
            'fresh or emptied read model before the projector starts on it): the read models named, comma-separated. The ' +
            'answer lacks their older events.',
          schema: { type: 'string', example: 'departures' },
        },
        'X-Next-Cursor': {
          description: "CSV and TimelineJS answers, which have no room for `next` in the body: the next page's cursor, when there is one.",
          schema: { type: 'string' },
        },
      },
    }),
    ApiBadRequestResponse({ description: 'A parameter is not valid; `errors` names each one.', content: problemContent() }),
    ApiTooManyRequestsResponse({
      description: 'Over the per-address read rate (QUERY_READ_RATE_PER_IP, QUERY_READ_BURST_PER_IP); Retry-After says when to ask again.',
      content: problemContent(),
    }),
    ApiServiceUnavailableResponse({
      description:
        'READ_MODEL.BEHIND: `minPosition` was not reached in time (Retry-After); READ_DB.UNAVAILABLE or READ_DB.TIMEOUT: ' +
        'the read database is not reachable or too slow.',
      content: problemContent(unavailableSchema),
    }),
  );
}

export const ApiProblemNotFound = (description: string) => ApiNotFoundResponse({ description, content: problemContent() });

/** A 400 problem+json for endpoints that are not reports (the feed). */
export const ApiProblemBadRequest = (description: string) => ApiBadRequestResponse({ description, content: problemContent() });
