import { Body, Controller, Headers, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiHeader, ApiOperation, ApiParam, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { retractionRequestJsonSchema, validateRetractionRequest } from '@newsroom/domain';
import { problems, RequireScope } from '@newsroom/platform';
import { ApiProblems } from '../../docs/api-problems.decorator';
import { AMENDMENT_EVENT_SCHEMA } from '../../docs/response-schemas';
import { amendedBody } from '../../write/outcome-response';
import { eventIdParam, idempotencyKey } from '../../write/path-params';
import { requestMeta } from '../../write/request-meta';
import { RetractEventCommand } from './retract-event.command';

@ApiTags('events')
@ApiSecurity('bearer')
@Controller('v1/events/:id/retractions')
export class RetractionsController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @RequireScope('write')
  @ApiOperation({ summary: 'Retract an event: it stays in the log but no longer counts as a fact.' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The event to retract' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A UUID, used as the retraction event id: a retry answers 200 with the same event, other content 409.' })
  @ApiBody({ schema: retractionRequestJsonSchema() as object })
  @ApiResponse({ status: 201, description: 'The retraction event', schema: AMENDMENT_EVENT_SCHEMA })
  @ApiResponse({ status: 200, description: 'Duplicate: this Idempotency-Key already recorded this retraction', schema: AMENDMENT_EVENT_SCHEMA })
  @ApiProblems(400, 401, 403, 404, 409, 413, 422)
  async retract(
    @Param('id') id: string,
    @Headers('idempotency-key') key: string | undefined,
    @Body() body: unknown,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const targetId = eventIdParam(id);
    const valid = validateRetractionRequest(body);
    if (!valid.ok) throw problems.validation(valid.errors);
    const result = await this.commands.execute(new RetractEventCommand(targetId, valid.value, requestMeta(req), idempotencyKey(key)));
    return amendedBody(result, res);
  }
}
