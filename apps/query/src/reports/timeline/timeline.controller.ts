import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiReport, ApiTimeTravel } from '../shared/openapi.schemas';
import { ReportQueryReader } from '../shared/report-query.reader';
import { respond } from '../shared/report.response';
import { TIMELINE_CSV } from './timeline.csv';
import { TimelineRepository } from './timeline.repository';
import { timelineReportSchema } from './timeline.schema';

@ApiTags('reports')
@Controller('v1/reports/timeline')
export class TimelineController {
  constructor(private readonly repository: TimelineRepository) {}

  @Get()
  @ApiOperation({ summary: 'Story facts in the order they happened, for one subject (any role) or all.' })
  @ApiQuery({ name: 'subject', required: false, example: 'org:openai' })
  @ApiQuery({ name: 'from', required: false, description: 'Facts whose date overlaps [from, to)' })
  @ApiQuery({ name: 'to', required: false })
  @ApiQuery({ name: 'types', required: false, description: 'Comma-separated event types' })
  @ApiQuery({ name: 'lang', required: false, enum: ['en', 'fr'] })
  @ApiTimeTravel({ paged: true })
  @ApiReport('A page of facts in valid-time order (items, next).', timelineReportSchema)
  async report(@Query() raw: Record<string, unknown>, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response) {
    const r = new ReportQueryReader(raw, ['subject', 'from', 'to', 'types', 'lang'], true);
    const q = {
      subject: r.subject('subject'), from: r.instant('from'), to: r.instant('to', 'end'), types: r.types(), asOf: r.instant('asOf'),
      knownAt: r.instant('knownAt'), modality: r.modality(), limit: r.limit(), cursor: r.string('cursor'), lang: r.lang(),
    };
    if (q.from && q.to && q.from >= q.to) r.fail('to', 'must end after from');
    const format = r.format(accept);
    r.done();
    const page = await this.repository.page(q);
    const body = { subject: q.subject, from: q.from, to: q.to, types: q.types, asOf: q.asOf, knownAt: q.knownAt, ...page };
    return respond(res, format, body, () => ({ filename: 'timeline', rows: page.items, next: page.next, columns: TIMELINE_CSV }));
  }
}
