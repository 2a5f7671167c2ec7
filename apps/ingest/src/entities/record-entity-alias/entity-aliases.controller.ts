import { Body, Controller, Headers, Param, Req, Res } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { IngestRequest, IngestReply } from '../../http/http.types';
import { isSubject, validateEntityAliasRequest } from '@newsroom/domain';
import { problems } from '@newsroom/platform';
import { EntityAliasEndpoint } from '../../docs/api-entity-alias.decorator';
import { amendedBody } from '../../http/outcome.response';
import { idempotencyKey } from '../../http/path-params.util';
import { requestMeta } from '../../http/request-meta.util';
import { RecordEntityAliasCommand } from './record-entity-alias.command';
import { WriteCommands } from '../../http/write-deadline.service';
import { refusingInexactNumbers } from '../../events/shared/inexact-numbers.util';
import { refusedRetryAnswer } from '../../events/replay-amendment/refused-amendment.response';
import { aliasFingerprint } from './record-entity-alias.handler';

@ApiTags('entities')
@ApiSecurity('bearer')
@Controller('v1/entities/:subject/aliases')
export class EntityAliasesController {
  constructor(private readonly commands: WriteCommands) {}

  @EntityAliasEndpoint(
    '',
    "Record that another subject is the same entity (entity.merged, in that subject's stream; same kind, not itself, no cycle) or that a display name is one of its aliases (entity.aliased).",
  )
  add(
    @Param('subject') subject: string,
    @Headers('idempotency-key') key: string | undefined,
    @Body() body: unknown,
    @Req() req: IngestRequest,
    @Res({ passthrough: true }) res: IngestReply,
  ) {
    return this.record(subject, key, body, false, req, res);
  }

  @EntityAliasEndpoint(
    'removals',
    'Reverse an alias: the other subject stands apart again (entity.unmerged) or the name is no longer an alias (entity.aliased with removed).',
  )
  remove(
    @Param('subject') subject: string,
    @Headers('idempotency-key') key: string | undefined,
    @Body() body: unknown,
    @Req() req: IngestRequest,
    @Res({ passthrough: true }) res: IngestReply,
  ) {
    return this.record(subject, key, body, true, req, res);
  }

  private async record(subject: string, key: string | undefined, body: unknown, removal: boolean, req: IngestRequest, res: IngestReply) {
    if (!isSubject(subject)) {
      throw problems.validation([
        { path: 'subject', message: 'must be "<kind>:<slug>" with kind org, person, case, product or authority' },
      ]);
    }
    const valid = refusingInexactNumbers(validateEntityAliasRequest(body), req.inexactNumbers);
    if (!valid.ok) {
      // A retry of an alias an earlier release took from this very body is its duplicate; else the 400.
      return refusedRetryAnswer(this.commands, res, { body, key, errors: valid.errors }, (sent) =>
        aliasFingerprint(subject, sent, removal),
      );
    }
    const result = await this.commands.execute(
      new RecordEntityAliasCommand(subject, valid.value, removal, requestMeta(req), idempotencyKey(key)),
    );
    return amendedBody(result, res);
  }
}
