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

const EVENT_VIEW_SCHEMA: SchemaObject = {
  type: 'object',
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
      properties: {
        status: STATUS,
        current: {
          type: 'object',
          description: 'occurredAt, data and the inferred fields after every correction',
          properties: { occurredAt: { type: 'string', nullable: true }, data: { type: 'object' }, inferred: INFERRED },
        },
        history: {
          type: 'array',
          items: {
            type: 'object',
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
  allOf: [EVENT_VIEW_SCHEMA, { type: 'object', properties: { status: { type: 'string', enum: ['created', 'duplicate'] } } }],
};

export const STREAM_PAGE_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    subject: { type: 'string' },
    version: { type: 'integer' },
    events: { type: 'array', items: { allOf: [EVENT_VIEW_SCHEMA, { type: 'object', properties: { status: STATUS } }] } },
    next: { type: 'integer', nullable: true, description: 'fromVersion of the next page; null on the last page' },
  },
};

export const RECORDED_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    status: { type: 'string', enum: ['created', 'duplicate'] },
    subject: { type: 'string' },
    ...SERVER_FIELDS,
  },
};

const RESULT_ITEM: SchemaObject = {
  type: 'object',
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

export const BATCH_RESULT_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    results: { type: 'array', items: RESULT_ITEM },
    created: { type: 'integer' },
    duplicates: { type: 'integer' },
    rejected: { type: 'integer' },
  },
};

export const STORY_RESULT_SCHEMA: SchemaObject = {
  type: 'object',
  properties: { story: { type: 'object' }, results: { type: 'array', items: RESULT_ITEM } },
};
