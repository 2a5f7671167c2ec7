import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { isSubject } from '@newsroom/domain';
import { ProblemError, problems } from '@newsroom/platform';
import { ApiProblems } from '../../docs/api-problems.decorator';
import { STREAM_PAGE_SCHEMA } from '../../docs/responses.schema';
import { ReadStreamQuery } from './read-stream.query';
import { StreamPage } from './stream-page.mapper';

const MAX_STREAM_PAGE = 1000;

function positiveInt(raw: string | undefined, name: string, fallback: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > max)
    throw problems.validation([{ path: name, message: `must be a whole number from 1 to ${max}` }]);
  return n;
}

// No @RequireScope: reads are open unless NEWSROOM_REQUIRE_READ_KEY=true (the guard then asks for "read").
@ApiTags('streams')
@ApiSecurity('bearer')
@Controller('v1/streams')
export class StreamsController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':subject')
  @ApiOperation({ summary: "A subject's stream: its events in stream order, each with its status; page with fromVersion and limit." })
  @ApiParam({ name: 'subject', example: 'org:openai' })
  @ApiQuery({ name: 'fromVersion', required: false, schema: { type: 'integer', minimum: 1, default: 1 } })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: MAX_STREAM_PAGE, default: 100 } })
  @ApiOkResponse({ schema: STREAM_PAGE_SCHEMA })
  @ApiProblems({ 400: [], 401: [], 403: [], 404: ['STREAM.NOT_FOUND'] })
  async read(@Param('subject') subject: string, @Query('fromVersion') from?: string, @Query('limit') limit?: string): Promise<StreamPage> {
    if (!isSubject(subject)) {
      throw problems.validation([
        { path: 'subject', message: 'must be "<kind>:<slug>" with kind org, person, case, product or authority' },
      ]);
    }
    const page = await this.queries.execute(
      new ReadStreamQuery(
        subject,
        positiveInt(from, 'fromVersion', 1, Number.MAX_SAFE_INTEGER),
        positiveInt(limit, 'limit', 100, MAX_STREAM_PAGE),
      ),
    );
    if (!page)
      throw new ProblemError(404, 'STREAM.NOT_FOUND', 'Not found', `No event was recorded for ${subject}.`, [
        { path: 'subject', message: 'no such stream' },
      ]);
    return page;
  }
}
