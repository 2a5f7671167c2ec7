import { applyDecorators, HttpCode, Post } from '@nestjs/common';
import { ApiWriteHeaders } from './api-write-headers.decorator';
import { ApiBody, ApiOperation, ApiParam, ApiResponse } from '@nestjs/swagger';
import { RequireScope } from '@newsroom/platform';
import { ApiProblems } from './api-problems.decorator';
import { AMENDMENT_EVENT_SCHEMA, LOCATION_HEADER, RATE_LIMIT_HEADERS } from './responses.schema';

/** The route and OpenAPI face shared by corrections and retractions: they differ only in words and body schema. */
export function AmendmentEndpoint(kind: 'correction' | 'retraction' | 'source', verb: string, summary: string, bodySchema: object) {
  return applyDecorators(
    Post(),
    HttpCode(201),
    RequireScope('write'),
    ApiOperation({ summary }),
    ApiParam({ name: 'id', format: 'uuid', description: `The event to ${verb}` }),
    ApiWriteHeaders(`A UUID, used as the ${kind} event id: a retry answers 200 with the same event, other content 409.`),
    ApiBody({ schema: bodySchema }),
    ApiResponse({
      status: 201,
      description: `The ${kind} event`,
      schema: AMENDMENT_EVENT_SCHEMA,
      headers: { ...LOCATION_HEADER, ...RATE_LIMIT_HEADERS },
    }),
    ApiResponse({
      status: 200,
      description: `Duplicate: this Idempotency-Key already recorded this ${kind}`,
      schema: AMENDMENT_EVENT_SCHEMA,
      headers: { ...LOCATION_HEADER, ...RATE_LIMIT_HEADERS },
    }),
    ApiProblems({
      400: ['REQUEST.MALFORMED_JSON', 'VALIDATION.FAILED'],
      401: [],
      403: [],
      404: ['EVENT.NOT_FOUND'],
      409: ['EVENT.ID_CONFLICT', 'STREAM.VERSION_MISMATCH'],
      413: ['EVENT.TOO_LARGE'],
      422: [
        'EVENT.RETRACTED',
        'EVENT.NOT_CORRECTABLE',
        'CORRECTION.NO_CHANGE',
        'CASE.NOT_FILED',
        'CASE.CLOSED',
        'CASE.ALREADY_FILED',
        'CASE.STEP_BEFORE_FILING',
        'STORE.REJECTED',
      ],
    }),
  );
}
