import { Body, Controller, Headers, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiWriteHeaders } from '../../docs/api-write-headers.decorator';
import { ApiBody, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { IngestRequest, IngestReply } from '../../http/http.types';
import { storyRequestJsonSchema, validateStoryRequest } from '@newsroom/domain';
import { ProblemError, problems, RequireScope } from '@newsroom/platform';
import { ApiProblems, RECORDING_PROBLEMS } from '../../docs/api-problems.decorator';
import { RATE_LIMIT_HEADERS, STORY_RESULT_SCHEMA } from '../../docs/responses.schema';
import { requestMeta } from '../../http/request-meta.util';
import { idempotencyKey } from '../../http/path-params.util';
import { RecordStoryCommand } from './record-story.command';
import { refusedStorySubmissions } from '../shared/intents.mapper';
import { refusingInexactNumbers } from '../shared/inexact-numbers.util';
import { ReplayRefusedCommand } from '../record-events/replay-refused.command';
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
  @ApiWriteHeaders(
    'A UUID: each event without an `id` gets one named by the key and its index, so the same story sent again answers as duplicates; the key with other events 409.',
  )
  @ApiResponse({
    status: 201,
    description: 'At least one event created (the rest duplicates)',
    schema: STORY_RESULT_SCHEMA,
    headers: RATE_LIMIT_HEADERS,
  })
  @ApiResponse({
    status: 200,
    description: 'Every event was already recorded (duplicates)',
    schema: STORY_RESULT_SCHEMA,
    headers: RATE_LIMIT_HEADERS,
  })
  @ApiProblems({ ...RECORDING_PROBLEMS, 422: [...RECORDING_PROBLEMS[422], 'BATCH.NOT_RECORDED'] })
  async record(
    @Body() body: unknown,
    @Req() req: IngestRequest,
    @Res({ passthrough: true }) res: IngestReply,
    @Headers('idempotency-key') keyHeader: string | undefined,
  ) {
    const key = idempotencyKey(keyHeader);
    const valid = refusingInexactNumbers(validateStoryRequest(body), req.inexactNumbers);
    if (!valid.ok) {
      const replays = await this.replaysOfRefused(body, key);
      if (!replays) throw problems.validation(valid.errors);
      res.status(200);
      return { story: (body as { story: unknown }).story, results: replays };
    }
    const result = await this.commands.execute(new RecordStoryCommand(valid.value, requestMeta(req), key));
    if (result.status === 'rejected') {
      const { status, code, message, errors } = result.rejection;
      throw new ProblemError(status, code, 'Story not recorded', message, errors);
    }
    if (!result.created) res.status(200);
    return result.body;
  }

  /**
   * A refused story every event of which an earlier release recorded with this very content, under the ids this request
   * names them by (their own, or the Idempotency-Key's): a retry of a story recorded whole, answered as duplicates. Else
   * null, and the 400 stands. One read for all its events, only for a refused story.
   */
  private async replaysOfRefused(body: unknown, key: string | undefined) {
    const refused = refusedStorySubmissions(body, key);
    if (!refused) return null;
    const replays = await this.commands.execute(new ReplayRefusedCommand(refused));
    if (replays.some((r) => r === null)) return null;
    return replays.map((o, index) => ({
      index,
      id: o!.eventId,
      status: o!.status,
      globalPosition: o!.globalPosition,
      streamVersion: o!.streamVersion,
    }));
  }
}
