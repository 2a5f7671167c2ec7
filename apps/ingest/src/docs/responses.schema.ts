import type { SchemaObject } from '@nestjs/swagger';

// Response shapes of the ingest API. Request bodies come from the domain's zod schemas; these are the answers.

export const PROBLEM_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'RFC 9457 problem details with a stable code and field errors.',
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string', format: 'uri', example: 'https://newsroom.dev/problems/case-not-filed' },
    title: { type: 'string', example: 'Rule violated' },
    status: { type: 'integer', example: 422 },
    code: { type: 'string', example: 'CASE.NOT_FILED', description: 'Stable machine-readable code' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: { path: { type: 'string', example: 'data.money.amount' }, message: { type: 'string' } },
      },
      description:
        'At most 100, and no more than 8 kB of JSON; `errorsOmitted` counts the rest. A path over 200 characters or a message over 300 is cut with "…" and its length in characters ("data.byFunction.kkk… (1500016 characters)").',
    },
    errorsOmitted: { type: 'integer', minimum: 1, description: 'Field errors beyond those listed in `errors` (absent when none)' },
    retryAfter: { type: 'integer', minimum: 1, description: '429 and 503: seconds to wait, as in the Retry-After header' },
    recorded: {
      description: 'A write\'s 503: false when nothing was recorded, "unknown" when a retry with the same ids must tell',
      oneOf: [
        { type: 'boolean', enum: [false] },
        { type: 'string', enum: ['unknown'] },
      ],
    },
  },
};

const SERVER_FIELDS: Record<string, SchemaObject> = {
  streamVersion: { type: 'integer', minimum: 1 },
  globalPosition: { type: 'string', pattern: '^[0-9]+$', description: 'Position in the whole log (a decimal string)' },
  recordedAt: { type: 'string', format: 'date-time', description: 'Transaction time' },
};

const INFERRED: SchemaObject = {
  type: 'array',
  description: 'The fields its sources do not state ("occurredAt" or "data.<field path>"), each with a note',
  items: {
    type: 'object',
    required: ['path', 'note'],
    properties: { path: { type: 'string', example: 'occurredAt' }, note: { type: 'string' } },
  },
};

const EVENT_VIEW_FIELDS = [
  'id',
  'type',
  'subject',
  'occurredAt',
  'data',
  'sources',
  'modality',
  'streamVersion',
  'globalPosition',
  'recordedAt',
  'schemaVersion',
  'metadata',
  'inferred',
];

const EVENT_VIEW_SCHEMA: SchemaObject = {
  type: 'object',
  required: EVENT_VIEW_FIELDS,
  properties: {
    id: { type: 'string', format: 'uuid' },
    type: { type: 'string', example: 'executive.departed' },
    subject: { type: 'string', example: 'person:mira-murati' },
    occurredAt: { type: 'string', nullable: true },
    data: { type: 'object' },
    sources: { type: 'array', items: { type: 'object' } },
    modality: { type: 'string', enum: ['reported', 'confirmed', 'denied', 'rumored'] },
    ...SERVER_FIELDS,
    schemaVersion: { type: 'integer' },
    metadata: {
      type: 'object',
      required: ['correlationId', 'causationId', 'actor'],
      properties: { correlationId: { type: 'string' }, causationId: { type: 'string', nullable: true }, actor: { type: 'string' } },
    },
    inferred: INFERRED,
  },
};

const STATUS: SchemaObject = { type: 'string', enum: ['current', 'corrected', 'retracted'] };

export const EVENT_DETAIL_SCHEMA: SchemaObject = {
  allOf: [
    EVENT_VIEW_SCHEMA,
    {
      type: 'object',
      required: ['status', 'current', 'history'],
      properties: {
        status: STATUS,
        current: {
          type: 'object',
          description: 'occurredAt, data and the inferred fields after every correction',
          required: ['occurredAt', 'data', 'inferred'],
          properties: { occurredAt: { type: 'string', nullable: true }, data: { type: 'object' }, inferred: INFERRED },
        },
        history: {
          type: 'array',
          items: {
            type: 'object',
            required: ['id', 'type', 'recordedAt', 'globalPosition', 'reason'],
            properties: {
              id: { type: 'string', format: 'uuid' },
              type: { type: 'string', enum: ['event.corrected', 'event.retracted'] },
              recordedAt: { type: 'string', format: 'date-time' },
              globalPosition: { type: 'string' },
              reason: { type: 'string' },
              changes: { type: 'object', properties: { occurredAt: { type: 'string' }, data: { type: 'object' }, inferred: INFERRED } },
              sources: { type: 'array', items: { type: 'object' } },
            },
          },
        },
      },
    },
  ],
};

export const AMENDMENT_EVENT_SCHEMA: SchemaObject = {
  allOf: [
    EVENT_VIEW_SCHEMA,
    { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['created', 'duplicate'] } } },
  ],
};

export const STREAM_PAGE_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['subject', 'version', 'events', 'next'],
  properties: {
    subject: { type: 'string' },
    version: { type: 'integer' },
    events: {
      type: 'array',
      items: { allOf: [EVENT_VIEW_SCHEMA, { type: 'object', required: ['status'], properties: { status: STATUS } }] },
    },
    next: { type: 'integer', nullable: true, description: 'fromVersion of the next page; null on the last page' },
  },
};

/** One event recorded (or a duplicate): exactly these fields, so it never matches a batch's answer (`results`). */
export const RECORDED_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['id', 'status', 'streamVersion', 'globalPosition', 'recordedAt'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', format: 'uuid' },
    status: { type: 'string', enum: ['created', 'duplicate'] },
    subject: { type: 'string' },
    ...SERVER_FIELDS,
  },
};

const RESULT_ITEM: SchemaObject = {
  type: 'object',
  description: 'created and duplicate items carry streamVersion and globalPosition; rejected ones carry error.',
  required: ['index', 'status'],
  properties: {
    index: { type: 'integer' },
    id: {
      type: 'string',
      format: 'uuid',
      nullable: true,
      description:
        "created or duplicate: the recorded event's id (the envelope's own, or named by the Idempotency-Key and the index). rejected: the envelope's own id when it is a UUID, else null (nothing was recorded; `index` names the item)",
    },
    status: { type: 'string', enum: ['created', 'duplicate', 'rejected'] },
    streamVersion: { type: 'integer' },
    globalPosition: { type: 'string' },
    error: {
      type: 'object',
      required: ['status', 'code'],
      properties: {
        status: { type: 'integer' },
        code: { type: 'string' },
        message: { type: 'string' },
        errors: {
          ...PROBLEM_SCHEMA.properties!.errors,
          description:
            "As a problem's: at most 100, 8 kB of JSON. The items of one answer list 256 kB of field errors at most, in order: an item past that has its `code` and `message`, and `errorsOmitted` counts its errors.",
        },
        errorsOmitted: PROBLEM_SCHEMA.properties!.errorsOmitted,
      },
    },
  },
};

/** A batch's answer: exactly these fields, so it never matches one event's answer (`id`). */
export const BATCH_RESULT_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['results', 'created', 'duplicates', 'rejected'],
  additionalProperties: false,
  properties: {
    results: { type: 'array', items: { allOf: [RESULT_ITEM, { type: 'object', required: ['id'] }] } },
    created: { type: 'integer' },
    duplicates: { type: 'integer' },
    rejected: { type: 'integer' },
  },
};

export const STORY_RESULT_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['story', 'results'],
  properties: { story: { type: 'object' }, results: { type: 'array', items: RESULT_ITEM } },
};

/** Response headers, as the OpenAPI document declares them. */
type HeaderObject = { description: string; schema: SchemaObject };

export const LOCATION_HEADER: Record<string, HeaderObject> = {
  Location: {
    description: 'The recorded event: /v1/events/{id}',
    schema: { type: 'string', example: '/v1/events/0193b7f0-0000-7000-8000-000000000001' },
  },
};

export const RETRY_AFTER_HEADER: Record<string, HeaderObject> = {
  'Retry-After': {
    description: 'Seconds to wait before sending again (as `retryAfter` in the body)',
    schema: { type: 'integer', minimum: 1 },
  },
};

/** Sent on every write while the per-key write rate limit is on (INGEST_WRITE_RATE_PER_KEY above 0), a 429 included. */
export const RATE_LIMIT_HEADERS: Record<string, HeaderObject> = {
  'RateLimit-Limit': { description: "The key's burst: writes it may send at once", schema: { type: 'integer' } },
  'RateLimit-Remaining': { description: 'Writes left in the burst now', schema: { type: 'integer' } },
  'RateLimit-Reset': { description: 'Seconds until the burst is full again', schema: { type: 'integer' } },
};

export const WWW_AUTHENTICATE_HEADER: Record<string, HeaderObject> = {
  'WWW-Authenticate': {
    description: 'Bearer, with error="invalid_token" when the key sent is not one of the service\'s',
    schema: { type: 'string' },
  },
};

/** A 405's: the methods the path takes (`PUT /v1/events`: `Allow: POST`). */
export const ALLOW_HEADER: Record<string, HeaderObject> = {
  Allow: { description: 'The methods this path takes', schema: { type: 'string', example: 'GET, HEAD' } },
};
