import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../docs/api-problems.decorator';
import { EVENT_DETAIL_SCHEMA } from '../../docs/responses.schema';
import { EventDetailView } from '../../read/event-view.mapper';
import { eventIdParam } from '../../http/path-params.util';
import { eventNotFound } from '../shared/event-not-found.errors';
import { GetEventQuery } from './get-event.query';

// No @RequireScope: reads are open unless NEWSROOM_REQUIRE_READ_KEY=true (the guard then asks for "read").
@ApiTags('events')
@ApiSecurity('bearer')
@Controller('v1/events')
export class GetEventController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id')
  @ApiOperation({
    summary:
      'One event: envelope and server fields, status (current, corrected, retracted), current occurredAt/data and its correction history.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ schema: EVENT_DETAIL_SCHEMA })
  @ApiProblems({ 400: [], 401: [], 403: [], 404: ['EVENT.NOT_FOUND'] })
  async get(@Param('id') id: string): Promise<EventDetailView> {
    const event = await this.queries.execute(new GetEventQuery(eventIdParam(id)));
    if (!event) throw eventNotFound(id);
    return event;
  }
}
