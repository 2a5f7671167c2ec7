import { Body, Controller, Headers, Param, Req, Res } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { IngestRequest, IngestReply } from '../../http/http.types';
import { retractionRequestJsonSchema, RetractionRequest, validateRetractionRequest } from '@newsroom/domain';
import { AmendmentEndpoint } from '../../docs/api-amendment.decorator';
import { RetractEventCommand } from './retract-event.command';
import { WriteCommands } from '../../http/write-deadline.service';
import { AmendmentRoute, answerAmendment } from '../replay-amendment/amendment-answer.response';

const RETRACTION: AmendmentRoute<RetractionRequest> = {
  kind: 'retraction',
  validate: validateRetractionRequest,
  command: (target, request, meta, key) => new RetractEventCommand(target, request, meta, key),
};

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
    return answerAmendment(this.commands, RETRACTION, { id, key, body, req, res });
  }
}
