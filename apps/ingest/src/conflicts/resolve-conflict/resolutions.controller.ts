import { Body, Controller, Headers, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiWriteHeaders } from '../../docs/api-write-headers.decorator';
import { ApiBody, ApiOperation, ApiParam, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { IngestRequest, IngestReply } from '../../http/http.types';
import { resolutionRequestJsonSchema, validateResolutionRequest } from '@newsroom/domain';
import { isUuid, problems, RequireScope } from '@newsroom/platform';
import { ApiProblems } from '../../docs/api-problems.decorator';
import { AMENDMENT_EVENT_SCHEMA, LOCATION_HEADER, RATE_LIMIT_HEADERS } from '../../docs/responses.schema';
import { amendedBody } from '../../http/outcome.response';
import { idempotencyKey } from '../../http/path-params.util';
import { requestMeta } from '../../http/request-meta.util';
import { ResolveConflictCommand } from './resolve-conflict.command';
import { WriteCommands } from '../../http/write-deadline.service';
import { refusingInexactNumbers } from '../../events/shared/inexact-numbers.util';
import { refusedRetryAnswer } from '../../events/replay-amendment/refused-amendment.response';
import { resolutionFingerprint } from './resolve-conflict.handler';

@ApiTags('conflicts')
@ApiSecurity('bearer')
@Controller('v1/conflicts/:id/resolution')
export class ResolutionsController {
  constructor(private readonly commands: WriteCommands) {}

  @Post()
  @HttpCode(201)
  @RequireScope('write')
  @ApiOperation({
    summary:
      'Record which side of a conflict stands and why (GET /v1/reports/conflicts on query lists them): a conflict.resolved event in the stream of its two facts. A later resolution replaces it.',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The conflict (conflictId in the conflicts report)' })
  @ApiWriteHeaders('A UUID, used as the resolution event id: a retry answers 200 with the same event, other content 409.')
  @ApiBody({ schema: resolutionRequestJsonSchema() })
  @ApiResponse({
    status: 201,
    description: 'The conflict.resolved event',
    schema: AMENDMENT_EVENT_SCHEMA,
    headers: { ...LOCATION_HEADER, ...RATE_LIMIT_HEADERS },
  })
  @ApiResponse({
    status: 200,
    description: 'Duplicate: this Idempotency-Key already recorded this resolution',
    schema: AMENDMENT_EVENT_SCHEMA,
    headers: { ...LOCATION_HEADER, ...RATE_LIMIT_HEADERS },
  })
  @ApiProblems({
    400: ['REQUEST.MALFORMED_JSON', 'VALIDATION.FAILED'],
    401: [],
    403: [],
    404: ['CONFLICT.NOT_FOUND', 'EVENT.NOT_FOUND'],
    409: ['EVENT.ID_CONFLICT', 'STREAM.VERSION_MISMATCH'],
    413: [],
    422: ['STORE.REJECTED'],
  })
  async resolve(
    @Param('id') id: string,
    @Headers('idempotency-key') key: string | undefined,
    @Body() body: unknown,
    @Req() req: IngestRequest,
    @Res({ passthrough: true }) res: IngestReply,
  ) {
    if (!isUuid(id)) throw problems.validation([{ path: 'id', message: 'must be a UUID' }], 'The conflict id in the path is not a UUID.');
    const conflictId = id.toLowerCase();
    const valid = refusingInexactNumbers(validateResolutionRequest(body), req.inexactNumbers);
    if (!valid.ok) {
      // A retry of a resolution an earlier release took from this very body is its duplicate; else the 400.
      return refusedRetryAnswer(this.commands, res, { body, key, errors: valid.errors }, (sent: { standingEventId?: unknown }) =>
        resolutionFingerprint(
          conflictId,
          typeof sent.standingEventId === 'string' ? { ...sent, standingEventId: sent.standingEventId.toLowerCase() } : sent,
        ),
      );
    }
    const request = { ...valid.value, standingEventId: valid.value.standingEventId.toLowerCase() };
    const result = await this.commands.execute(new ResolveConflictCommand(conflictId, request, requestMeta(req), idempotencyKey(key)));
    return amendedBody(result, res);
  }
}
