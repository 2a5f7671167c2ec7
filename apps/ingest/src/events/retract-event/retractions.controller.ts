import { Body, Controller, Headers, Param, Req, Res } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { IngestRequest, IngestReply } from '../../http/http.types';
import { retractionRequestJsonSchema, validateRetractionRequest } from '@newsroom/domain';
import { AmendmentEndpoint } from '../../docs/api-amendment.decorator';
import { amendedBody } from '../../http/outcome.response';
import { eventIdParam, idempotencyKey } from '../../http/path-params.util';
import { requestMeta } from '../../http/request-meta.util';
import { RetractEventCommand } from './retract-event.command';
import { WriteCommands } from '../../http/write-deadline.service';
import { refusedAmendmentAnswer } from '../replay-amendment/refused-amendment.response';
import { refusingInexactNumbers } from '../shared/inexact-numbers.util';

@ApiTags('events')
@ApiSecurity('bearer')
@Controller('v1/events/:id/retractions')
export class RetractionsController {
  constructor(private readonly commands: WriteCommands) {}

  @AmendmentEndpoint(
    'retraction',
    'retract',
    'Retract an event: it stays in the log but no longer counts as a fact.',
    retractionRequestJsonSchema(),
  )
  async retract(
    @Param('id') id: string,
    @Headers('idempotency-key') key: string | undefined,
    @Body() body: unknown,
    @Req() req: IngestRequest,
    @Res({ passthrough: true }) res: IngestReply,
  ) {
    const targetId = eventIdParam(id);
    const valid = refusingInexactNumbers(validateRetractionRequest(body), req.inexactNumbers);
    // Refused today, it may still be the retry of an amendment an earlier release recorded.
    if (!valid.ok) {
      return refusedAmendmentAnswer(this.commands, res, { kind: 'retraction', target: targetId, body, key, errors: valid.errors });
    }
    const result = await this.commands.execute(new RetractEventCommand(targetId, valid.value, requestMeta(req), idempotencyKey(key)));
    return amendedBody(result, res);
  }
}
