import { applyDecorators, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiParam, ApiResponse } from '@nestjs/swagger';
import { entityAliasRequestJsonSchema } from '@newsroom/domain';
import { RequireScope } from '@newsroom/platform';
import { ApiProblems } from './api-problems.decorator';
import { AMENDMENT_EVENT_SCHEMA } from './responses.schema';

/** The route and OpenAPI face of recording an entity alias and of its reversal. */
export function EntityAliasEndpoint(path: string, summary: string) {
  return applyDecorators(
    Post(path),
    HttpCode(201),
    RequireScope('write'),
    ApiOperation({ summary }),
    ApiParam({ name: 'subject', example: 'person:sam-altman', description: 'The canonical subject of the entity' }),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: 'A UUID, used as the new event id: a retry answers 200 with the same event, other content 409.',
    }),
    ApiBody({ schema: entityAliasRequestJsonSchema() }),
    ApiResponse({ status: 201, description: 'The entity.merged, entity.unmerged or entity.aliased event', schema: AMENDMENT_EVENT_SCHEMA }),
    ApiResponse({
      status: 200,
      description: 'Duplicate: this Idempotency-Key already recorded this request',
      schema: AMENDMENT_EVENT_SCHEMA,
    }),
    ApiProblems(400, 401, 403, 409, 413, 422),
  );
}
