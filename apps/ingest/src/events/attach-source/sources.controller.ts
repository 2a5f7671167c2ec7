import { Body, Controller, Headers, Param, Req, Res } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { IngestRequest, IngestReply } from '../../http/http.types';
import { sourceRequestJsonSchema, validateSourceRequest } from '@newsroom/domain';
import { AmendmentEndpoint } from '../../docs/api-amendment.decorator';
import { amendedBody } from '../../http/outcome.response';
import { eventIdParam, idempotencyKey } from '../../http/path-params.util';
import { requestMeta } from '../../http/request-meta.util';
import { AttachSourceCommand } from './attach-source.command';
import { WriteCommands } from '../../http/write-deadline.service';
import { refusedAmendmentAnswer } from '../replay-amendment/refused-amendment.response';
import { refusingInexactNumbers } from '../shared/inexact-numbers.util';

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
    const targetId = eventIdParam(id);
    const valid = refusingInexactNumbers(validateSourceRequest(body), req.inexactNumbers);
    // Refused today, it may still be the retry of an amendment an earlier release recorded.
    if (!valid.ok) {
      return refusedAmendmentAnswer(this.commands, res, { kind: 'sourcing', target: targetId, body, key, errors: valid.errors });
    }
    const result = await this.commands.execute(new AttachSourceCommand(targetId, valid.value, requestMeta(req), idempotencyKey(key)));
    return amendedBody(result, res);
  }
}
