import { Body, Controller, Headers, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { IngestRequest, IngestReply } from '../../http/http.types';
import { storyRequestJsonSchema, validateStoryRequest } from '@newsroom/domain';
import { ProblemError, problems, RequireScope } from '@newsroom/platform';
import { ApiProblems } from '../../docs/api-problems.decorator';
import { STORY_RESULT_SCHEMA } from '../../docs/responses.schema';
import { requestMeta } from '../../http/request-meta.util';
import { idempotencyKey } from '../../http/path-params.util';
import { RecordStoryCommand } from './record-story.command';
import { WriteCommands } from '../../http/write-deadline.service';

@ApiTags('events')
@ApiSecurity('bearer')
@Controller('v1/stories')
export class StoriesController {
  constructor(private readonly commands: WriteCommands) {}

  @Post()
  @HttpCode(201)
  @RequireScope('write')
  @ApiOperation({
    summary:
      "Record a story and the events it backs (up to 1000), all or nothing; the story becomes each event's source, with the event's quote.",
  })
  @ApiBody({ schema: storyRequestJsonSchema() as object })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'A UUID: each event without an `id` gets one named by the key and its index, so the same story sent again answers as duplicates; the key with other events 409.',
  })
  @ApiResponse({ status: 201, description: 'At least one event created (the rest duplicates)', schema: STORY_RESULT_SCHEMA })
  @ApiResponse({ status: 200, description: 'Every event was already recorded (duplicates)', schema: STORY_RESULT_SCHEMA })
  @ApiProblems(400, 401, 403, 409, 413, 422)
  async record(
    @Body() body: unknown,
    @Req() req: IngestRequest,
    @Res({ passthrough: true }) res: IngestReply,
    @Headers('idempotency-key') keyHeader: string | undefined,
  ) {
    const key = idempotencyKey(keyHeader);
    const valid = validateStoryRequest(body);
    if (!valid.ok) throw problems.validation(valid.errors);
    const result = await this.commands.execute(new RecordStoryCommand(valid.value, requestMeta(req), key));
    if (result.status === 'rejected') {
      const { status, code, message, errors } = result.rejection;
      throw new ProblemError(status, code, 'Story not recorded', message, errors);
    }
    if (!result.created) res.status(200);
    return result.body;
  }
}
