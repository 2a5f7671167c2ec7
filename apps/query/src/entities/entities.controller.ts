import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { parseSubject } from '@newsroom/domain';
import { problems } from '@newsroom/platform';
import { ApiReport, ApiTimeTravel, arr, nstr, obj, problemSchema, str } from '../reports/shared/openapi.schemas';
import { ReportQueryReader } from '../reports/shared/report-query.reader';
import { respond } from '../reports/shared/report.response';
import { TIMELINE_CSV } from '../reports/timeline/timeline.csv';
import { timelineItemSchema } from '../reports/timeline/timeline.schema';
import { EntitiesRepository } from './entities.repository';

const entitySchema = obj({
  subject: str(), kind: str({ enum: ['org', 'person', 'case', 'product', 'authority'] }), displayName: str(),
  firstSeenAt: str({ format: 'date-time' }), lastSeenAt: str({ format: 'date-time' }), asOf: nstr({ format: 'date-time' }),
  knownAt: nstr({ format: 'date-time' }), items: arr(timelineItemSchema), next: nstr(),
});

@ApiTags('entities')
@Controller('v1/entities')
export class EntitiesController {
  constructor(private readonly repository: EntitiesRepository) {}

  @Get(':subject')
  @ApiOperation({ summary: 'A subject: its display name and the standing facts that name it, in valid-time order.' })
  @ApiParam({ name: 'subject', example: 'person:mira-murati' })
  @ApiQuery({ name: 'types', required: false, description: 'Comma-separated event types' })
  @ApiQuery({ name: 'lang', required: false, enum: ['en', 'fr'] })
  @ApiTimeTravel({ paged: true })
  @ApiReport('The entity and a page of related facts (items, next).', entitySchema)
  @ApiNotFoundResponse({ description: 'No standing fact names this subject (at knownAt).', content: { 'application/problem+json': { schema: problemSchema } } })
  async find(@Param('subject') subject: string, @Query() raw: Record<string, unknown>, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response) {
    const r = new ReportQueryReader(raw, ['types', 'lang'], true);
    if (!parseSubject(subject)) r.fail('subject', 'must be a subject "<kind>:<slug>" such as "person:mira-murati"');
    const q = {
      subject, from: null, to: null, types: r.types(), asOf: r.instant('asOf'), knownAt: r.instant('knownAt'), modality: r.modality(),
      limit: r.limit(), cursor: r.string('cursor'), lang: r.lang(),
    };
    const format = r.format(accept);
    r.done();
    const body = await this.repository.find(q);
    if (!body) throw problems.notFound(`No standing fact names ${subject}${q.knownAt ? ` as known at ${q.knownAt}` : ''}.`);
    return respond(res, format, body, () => ({ filename: subject.replace(':', '-'), rows: body.items, next: body.next, columns: TIMELINE_CSV }));
  }
}
