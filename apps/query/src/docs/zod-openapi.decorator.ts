import { applyDecorators } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';
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

/** A 429: the problem with the seconds to wait. */
const rateLimitedSchema = problemSchema
  .extend({ retryAfter: z.number().int().min(1).meta({ description: 'Seconds to wait, as in the Retry-After header' }) })
  .meta({ description: 'RFC 9457 problem details of a 429, with the seconds to wait.' });

/** The 503 of a report: come back after Retry-After; READ_MODEL.BEHIND also says where the read models are. */
const unavailableSchema = problemSchema
  .extend({
    retryAfter: z.number().int().meta({ description: 'Seconds to wait, as in the Retry-After header' }),
    position: z.string().optional().meta({ description: 'READ_MODEL.BEHIND: the position the read models hold every event up to' }),
    minPosition: z.string().optional().meta({ description: 'READ_MODEL.BEHIND: the position asked for' }),
    checks: z.record(z.string(), z.string()).optional().meta({ description: 'SERVICE.STARTING: the readiness checks and their state' }),
    waitingFor: z.string().nullable().optional().meta({ description: 'SERVICE.STARTING: what the start waits for' }),
  })
  .meta({ description: 'RFC 9457 problem details of a 503, with the seconds to wait.' });

/**
 * The problem bodies, named once in the document's components (main.ts adds them): every operation refers to them,
 * rather than repeating each schema in each of its answers.
 */
export const QUERY_PROBLEM_SCHEMAS = {
  Problem: openApiSchema(problemSchema, 'output'),
  RateLimitedProblem: openApiSchema(rateLimitedSchema, 'output'),
  UnavailableProblem: openApiSchema(unavailableSchema, 'output'),
};

/**
 * A problem+json answer whose `code` is one of `list`, the codes the operation answers with at that status (as its
 * description names them): the shared schema, narrowed (allOf: OpenAPI 3.0 ignores a $ref's siblings).
 */
export const problemContent = (list: readonly string[], name: keyof typeof QUERY_PROBLEM_SCHEMAS = 'Problem') => ({
  'application/problem+json': {
    schema: {
      allOf: [{ $ref: `#/components/schemas/${name}` }, { type: 'object', properties: { code: { type: 'string', enum: [...list] } } }],
    },
  },
});

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

/** Response headers, as the OpenAPI document declares them. */
export type Headers = Record<string, { description: string; schema: Record<string, unknown> }>;

const RETRY_AFTER: Headers = {
  'Retry-After': {
    description: 'Seconds to wait before asking again (as `retryAfter` in the body)',
    schema: { type: 'integer', minimum: 1 },
  },
};

/** Sent on every answer the per-address read rate counts (QUERY_READ_RATE_PER_IP above 0), a 429 included. */
export const RATE_LIMIT: Headers = {
  'RateLimit-Limit': { description: "The address's burst: requests it may send at once", schema: { type: 'integer' } },
  'RateLimit-Remaining': { description: 'Requests left in the burst now', schema: { type: 'integer' } },
  'RateLimit-Reset': { description: 'Seconds until the burst is full again', schema: { type: 'integer' } },
};

/** A JSON or Atom answer: Express's validator of the body, for If-None-Match (304). */
const ETAG: Headers = {
  ETag: {
    description: 'A validator of this answer: send it back as If-None-Match to get 304 Not Modified while it is unchanged.',
    schema: { type: 'string', example: 'W/"1a2-x8Fd0u"' },
  },
};

/** The 200 headers of every read the rate limit counts, and of the answers with an ETag. */
export const readHeaders = (etag = true): Headers => ({ ...(etag ? ETAG : {}), ...RATE_LIMIT });

const UNAUTHORIZED = ['AUTH.KEY_REQUIRED', 'AUTH.KEY_INVALID'];

export const codes = (list: readonly string[]) => `\`code\`: ${list.join(', ')}.`;

/** The 503 codes of a report (it reads the read models, and may wait for `minPosition`). */
const REPORT_UNAVAILABLE = ['READ_MODEL.BEHIND', 'READ_DB.UNAVAILABLE', 'READ_DB.TIMEOUT', 'SERVICE.STARTING'];

export interface ReadProblems {
  /** The codes of this operation's 503, besides SERVICE.STARTING (every route, while the service starts). */
  unavailable: readonly string[];
  /** Its 429 codes besides RATE_LIMITED. */
  tooMany?: readonly string[];
  /** Whether it answers 304 to an If-None-Match that names its current ETag. */
  notModified?: boolean;
}

/**
 * The answers every query operation may give besides its own: 304 (an If-None-Match naming the answer's ETag),
 * 401 (NEWSROOM_REQUIRE_READ_KEY=true without a read key), 405 (another method), 413 (a body over 1 kB), 429 (the
 * per-address read rate), 431 (request line and headers over 16 KiB), 503 (Retry-After), each naming its codes.
 */
export function ApiReadProblems(options: ReadProblems) {
  const unavailable = [...new Set([...options.unavailable, 'SERVICE.STARTING'])];
  const tooMany = ['RATE_LIMITED', ...(options.tooMany ?? [])];
  return applyDecorators(
    ...(options.notModified
      ? [
          ApiResponse({
            status: 304,
            description: "Not modified: the If-None-Match sent names this answer's current ETag. No body.",
            headers: readHeaders(),
          }),
        ]
      : []),
    ApiResponse({
      status: 401,
      description: `Only with NEWSROOM_REQUIRE_READ_KEY=true: no read key, or one the service does not know. ${codes(UNAUTHORIZED)}`,
      content: problemContent(UNAUTHORIZED),
      headers: { 'WWW-Authenticate': { description: 'Bearer', schema: { type: 'string' } } },
    }),
    ApiResponse({
      status: 405,
      description: `A method this path does not take; Allow names those it does. ${codes(['REQUEST.METHOD_NOT_ALLOWED'])}`,
      content: problemContent(['REQUEST.METHOD_NOT_ALLOWED']),
      headers: { Allow: { description: 'The methods this path takes', schema: { type: 'string', example: 'GET, HEAD' } } },
    }),
    ApiResponse({
      status: 413,
      description: `A request body (no operation takes one) over 1 kB. ${codes(['REQUEST.TOO_LARGE'])}`,
      content: problemContent(['REQUEST.TOO_LARGE']),
    }),
    ApiResponse({
      status: 429,
      description:
        'Over the per-address read rate (QUERY_READ_RATE_PER_IP, QUERY_READ_BURST_PER_IP)' +
        (options.tooMany?.length ? ', or over the live connections an address may hold (FEED_MAX_CONNECTIONS_PER_IP)' : '') +
        `; Retry-After says when to ask again. ${codes(tooMany)}`,
      content: problemContent(tooMany, 'RateLimitedProblem'),
      headers: { ...RETRY_AFTER, ...RATE_LIMIT },
    }),
    ApiResponse({
      status: 431,
      description: `The request line and headers are over 16 KiB. ${codes(['REQUEST.HEADERS_TOO_LARGE'])}`,
      content: problemContent(['REQUEST.HEADERS_TOO_LARGE']),
    }),
    ApiResponse({
      status: 503,
      description:
        'Come back after Retry-After: SERVICE.STARTING while the service starts; READ_MODEL.BEHIND: `minPosition` was not ' +
        'reached in time; READ_DB.UNAVAILABLE or READ_DB.TIMEOUT: the read database is not reachable, too slow, or every ' +
        `connection to it is busy (the detail says which). ${codes(unavailable)}`,
      content: problemContent(unavailable, 'UnavailableProblem'),
      headers: { ...RETRY_AFTER, ...RATE_LIMIT },
    }),
  );
}

/** A 404 problem+json naming its codes. */
export const ApiProblemNotFound = (description: string, list: readonly string[] = ['RESOURCE.NOT_FOUND']) =>
  ApiNotFoundResponse({ description: `${description} ${codes(list)}`, content: problemContent(list), headers: RATE_LIMIT });

/** A 400 problem+json for endpoints that are not reports (the feed). */
export const ApiProblemBadRequest = (description: string) =>
  ApiBadRequestResponse({
    description: `${description} ${codes(['REQUEST.INVALID'])}`,
    content: problemContent(['REQUEST.INVALID']),
    headers: RATE_LIMIT,
  });

/**
 * A report's CSV answer, for the document: what a row is, and the header row the service writes (each CSV-capable
 * operation's example is checked against the first line it answers: apps/query/test/report-csv.int-spec.ts).
 */
export interface CsvDoc {
  rows: string;
  /** The header row, comma-separated; or, when a parameter changes the columns, one per case (its name, when it applies). */
  header: string | Record<string, { summary: string; header: string }>;
}

/** The text/csv media type of a report's 200: described, with its header row as the example (an empty page). */
function csvContent(csv: CsvDoc) {
  const schema = {
    type: 'string',
    description:
      `${csv.rows} RFC 4180 (text/csv; charset=utf-8): a header row, then one record per row, CRLF line breaks; a list in ` +
      'a cell is joined with "; ". Columns added later come last, so a sheet reading the others by place reads them as ' +
      "before. The example is the header row, as an empty page answers it. The next page's cursor is in X-Next-Cursor.",
  };
  if (typeof csv.header === 'string') return { schema, example: `${csv.header}\r\n` };
  const examples = Object.fromEntries(
    Object.entries(csv.header).map(([name, { summary, header }]) => [name, { summary, value: `${header}\r\n` }]),
  );
  return { schema, examples };
}

/** 200 as JSON (the response schema, or one of the alternatives) or CSV, 400 as problem+json, and the reads' other answers. */
export function ApiReport(description: string, schema: z.ZodType, csv: CsvDoc, ...alternatives: AlternativeJson[]) {
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
        'text/csv': csvContent(csv),
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
        ...readHeaders(),
      },
    }),
    ApiProblemBadRequest('A parameter is not valid; `errors` names each one.'),
    ApiReadProblems({ unavailable: REPORT_UNAVAILABLE, notModified: true }),
  );
}
