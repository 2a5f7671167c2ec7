import { applyDecorators, HttpCode, Post } from '@nestjs/common';
import { ApiWriteHeaders } from './api-write-headers.decorator';
import { ApiBody, ApiOperation, ApiParam, ApiResponse } from '@nestjs/swagger';
import { entityAliasRequestJsonSchema } from '@newsroom/domain';
import { RequireScope } from '@newsroom/platform';
import { ApiProblems } from './api-problems.decorator';
import { AMENDMENT_EVENT_SCHEMA, LOCATION_HEADER, RATE_LIMIT_HEADERS } from './responses.schema';

/** The route and OpenAPI face of recording an entity alias and of its reversal. */
export function EntityAliasEndpoint(path: string, summary: string) {
  return applyDecorators(
    Post(path),
    HttpCode(201),
    RequireScope('write'),
    ApiOperation({ summary }),
    ApiParam({ name: 'subject', example: 'person:sam-altman', description: 'The canonical subject of the entity' }),
    ApiWriteHeaders('A UUID, used as the new event id: a retry answers 200 with the same event, other content 409.'),
    ApiBody({ schema: entityAliasRequestJsonSchema() }),
    ApiResponse({
      status: 201,
      description: 'The entity.merged, entity.unmerged or entity.aliased event',
      schema: AMENDMENT_EVENT_SCHEMA,
      headers: { ...LOCATION_HEADER, ...RATE_LIMIT_HEADERS },
    }),
    ApiResponse({
      status: 200,
      description: 'Duplicate: this Idempotency-Key already recorded this request',
      schema: AMENDMENT_EVENT_SCHEMA,
      headers: { ...LOCATION_HEADER, ...RATE_LIMIT_HEADERS },
    }),
    ApiProblems({
      400: ['REQUEST.MALFORMED_JSON', 'VALIDATION.FAILED', 'ENTITY.SELF_MERGE', 'ENTITY.KIND_MISMATCH'],
      401: [],
      403: [],
      409: ['EVENT.ID_CONFLICT', 'STREAM.VERSION_MISMATCH', 'ENTITY.ALREADY_MERGED', 'ENTITY.ALIAS_EXISTS'],
      413: ['EVENT.TOO_LARGE'],
      422: ['ENTITY.NOT_CANONICAL', 'ENTITY.NOT_MERGED', 'ENTITY.ALIAS_UNKNOWN', 'STORE.REJECTED'],
    }),
  );
}
