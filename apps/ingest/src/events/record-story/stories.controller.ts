import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { storyRequestJsonSchema, storyToSubmissions, validateStoryRequest } from '@newsroom/domain';
import { ProblemError, problems, RequireScope } from '@newsroom/platform';
import { ApiProblems } from '../../docs/api-problems.decorator';
import { STORY_RESULT_SCHEMA } from '../../docs/response-schemas';
import { requestMeta } from '../../write/request-meta';
import { RecordEventsCommand } from '../record-events/record-events.command';

@ApiTags('events')
@ApiSecurity('bearer')
@Controller('v1/stories')
export class StoriesController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @RequireScope('write')
  @ApiOperation({
    summary: "Record a story and the events it backs (up to 1000), all or nothing; the story becomes each event's source, with the event's quote.",
  })
  @ApiBody({ schema: storyRequestJsonSchema() as object })
  @ApiResponse({ status: 201, description: 'At least one event created (the rest duplicates)', schema: STORY_RESULT_SCHEMA })
  @ApiResponse({ status: 200, description: 'Every event was already recorded (duplicates)', schema: STORY_RESULT_SCHEMA })
  @ApiProblems(400, 401, 403, 409, 413, 422)
  async record(@Body() body: unknown, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const valid = validateStoryRequest(body);
    if (!valid.ok) throw problems.validation(valid.errors);
    const submissions = storyToSubmissions(valid.value);
    const outcomes = await this.commands.execute(new RecordEventsCommand(submissions, requestMeta(req), true));
    const rejected = outcomes.flatMap((o, index) => (o.status === 'rejected' && o.error.code !== 'BATCH.NOT_RECORDED' ? [{ index, error: o.error }] : []));
    if (rejected.length) {
      const errors = rejected.flatMap(({ index, error }) =>
        (error.errors ?? [{ path: '', message: error.message }]).map((e) => ({ path: `events[${index}]${e.path ? `.${e.path}` : ''}`, message: e.message })),
      );
      const first = rejected[0].error;
      throw new ProblemError(first.status, first.code, 'Story not recorded', `No event of the story was recorded: ${first.message}`, errors);
    }
    const results = outcomes.map((o, index) =>
      o.status === 'rejected' ? { index, status: o.status } : { index, id: o.eventId, status: o.status, globalPosition: o.globalPosition, streamVersion: o.streamVersion },
    );
    if (!results.some((r) => r.status === 'created')) res.status(200);
    return { story: valid.value.story, results };
  }
}
