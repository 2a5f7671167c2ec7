import { Body, Controller, Headers, Param, Req, Res } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { IngestRequest, IngestReply } from '../../http/http.types';
import { correctionRequestJsonSchema, CorrectionRequest, validateCorrectionRequest } from '@newsroom/domain';
import { AmendmentEndpoint } from '../../docs/api-amendment.decorator';
import { CorrectEventCommand } from './correct-event.command';
import { WriteCommands } from '../../http/write-deadline.service';
import { AmendmentRoute, answerAmendment } from '../replay-amendment/amendment-answer.response';

const CORRECTION: AmendmentRoute<CorrectionRequest> = {
  kind: 'correction',
  validate: validateCorrectionRequest,
  command: (target, request, meta, key) => new CorrectEventCommand(target, request, meta, key),
};

@ApiTags('events')
@ApiSecurity('bearer')
@Controller('v1/events/:id/corrections')
export class CorrectionsController {
  constructor(private readonly commands: WriteCommands) {}

  @AmendmentEndpoint(
    'correction',
    'correct',
    'Correct an event: changes.occurredAt and/or changes.data (a JSON merge patch over its current data, where text given per language merges into a plain string as its English text), with a reason.',
    correctionRequestJsonSchema(),
  )
  async correct(
    @Param('id') id: string,
    @Headers('idempotency-key') key: string | undefined,
    @Body() body: unknown,
    @Req() req: IngestRequest,
    @Res({ passthrough: true }) res: IngestReply,
  ) {
    return answerAmendment(this.commands, CORRECTION, { id, key, body, req, res });
  }
}
