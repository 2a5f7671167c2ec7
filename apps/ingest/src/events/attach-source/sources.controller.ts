import { Body, Controller, Headers, Param, Req, Res } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { IngestRequest, IngestReply } from '../../http/http.types';
import { sourceRequestJsonSchema, SourceRequest, validateSourceRequest } from '@newsroom/domain';
import { AmendmentEndpoint } from '../../docs/api-amendment.decorator';
import { AttachSourceCommand } from './attach-source.command';
import { WriteCommands } from '../../http/write-deadline.service';
import { AmendmentRoute, answerAmendment } from '../replay-amendment/amendment-answer.response';

const SOURCING: AmendmentRoute<SourceRequest> = {
  kind: 'sourcing',
  validate: validateSourceRequest,
  command: (target, request, meta, key) => new AttachSourceCommand(target, request, meta, key),
};

@ApiTags('events')
@ApiSecurity('bearer')
@Controller('v1/events/:id/sources')
export class SourcesController {
  constructor(private readonly commands: WriteCommands) {}

  @AmendmentEndpoint(
    'source',
    'attach a source to',
    'Attach another outlet to a fact on record: a source (with `via` for a syndicated copy) that confirms or denies it.',
    sourceRequestJsonSchema(),
  )
  async attach(
    @Param('id') id: string,
    @Headers('idempotency-key') key: string | undefined,
    @Body() body: unknown,
    @Req() req: IngestRequest,
    @Res({ passthrough: true }) res: IngestReply,
  ) {
    return answerAmendment(this.commands, SOURCING, { id, key, body, req, res });
  }
}
