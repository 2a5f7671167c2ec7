import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { formatOf, fromBeforeTo, readReportParams } from '../shared/report-params.schema';
import { respond, sendCursor } from '../shared/report.response';
import { READ_MODELS, ReadModelFreshness } from '../shared/read-model-freshness.service';
import { ApiParams, ApiReport } from '../../docs/zod-openapi.decorator';
import { toTimelineJs } from './timeline-js.mapper';
import { TIMELINE_CSV } from './timeline-csv.writer';
import { TimelineRepository } from './timeline.repository';
import { EntityNamesRepository } from '../shared/entity-names.repository';
import { ConflictsWithRepository } from '../shared/conflicts-with.repository';
import { timelineJsSchema, timelineParams, timelineReportSchema } from './timeline.schema';
import { Localised } from '../../lang/content-language.interceptor';

@ApiTags('reports')
@Controller('v1/reports/timeline')
export class TimelineController {
  constructor(
    private readonly repository: TimelineRepository,
    private readonly freshness: ReadModelFreshness,
    private readonly names: EntityNamesRepository,
    private readonly conflicts: ConflictsWithRepository,
  ) {}

  @Get()
  @Localised()
  @ApiOperation({ summary: 'Story facts in the order they happened, for one subject (any role) or all.' })
  @ApiParams(timelineParams)
  @ApiReport('A page of facts in valid-time order (items, next).', timelineReportSchema, {
    rows: 'One row per fact, in valid-time order.',
    header: 'occurred_at,type,subject,role,headline,modality,status,recorded_at,sources,fact_id,outlets,confirms,denies,inferred,subject_name,canonical_subject,valid_from,valid_to,conflicts_with',
  }, {
    format: 'timelinejs',
    description: 'With ?format=timelinejs: the page as TimelineJS3 JSON.',
    schema: timelineJsSchema,
  })
  async report(@Query() raw: Record<string, unknown>, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response) {
    const q = readReportParams(timelineParams, raw, { cross: fromBeforeTo });
    await this.freshness.settle(res, q.minPosition, READ_MODELS.timeline);
    const page = await this.repository.page(q);
    if (q.format === 'timelinejs') {
      res.vary('Accept');
      const names = await this.names.namesAt(q.subject ? [q.subject] : [], q.knownAt);
      const timeline = toTimelineJs(page, q, q.subject ? names.in(q.subject, q.lang ?? 'en') : undefined);
      if (page.next) sendCursor(res, JSON.stringify(timeline), page.next); // TimelineJS's JSON has no room for it
      return timeline;
    }
    const format = formatOf(q.format, accept);
    const body = { subject: q.subject, from: q.from, to: q.to, types: q.types, asOf: q.asOf, knownAt: q.knownAt, lang: q.lang ?? 'en', ...page };
    if (format === 'csv') await this.conflicts.attach(body);
    return respond(res, format, body, () => ({ filename: 'timeline', rows: page.items, next: page.next, columns: TIMELINE_CSV }));
  }
}
