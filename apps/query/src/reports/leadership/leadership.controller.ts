import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ReportQueryReader } from '../shared/report-query.reader';
import { respond } from '../shared/report.response';
import { ApiReport, ApiTimeTravel } from '../shared/openapi.schemas';
import { LEADERSHIP_VIEWS, LeadershipRepository, TenureDto } from './leadership.repository';
import { leadershipReportSchema } from './leadership.schema';

@ApiTags('reports')
@Controller('v1/reports/leadership')
export class LeadershipController {
  constructor(private readonly repository: LeadershipRepository) {}

  @Get()
  @ApiOperation({ summary: 'Who holds which role at an organization, as of a date (valid time) and as known at an instant (transaction time).' })
  @ApiQuery({ name: 'organization', required: true, example: 'org:openai' })
  @ApiQuery({ name: 'show', required: false, enum: LEADERSHIP_VIEWS, description: 'roster (default): the tenures in force as of asOf (now without it); tenures: every tenure on record' })
  @ApiTimeTravel({ paged: true })
  @ApiReport('One page of tenures (items) in role order, and the cursor of the next page.', leadershipReportSchema)
  async report(@Query() raw: Record<string, unknown>, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response) {
    const r = new ReportQueryReader(raw, ['organization', 'show'], true);
    const q = {
      organization: r.subject('organization', { kind: 'org', required: true })!, asOf: r.instant('asOf'), knownAt: r.instant('knownAt'), modality: r.modality(),
      show: r.oneOf('show', LEADERSHIP_VIEWS, 'roster')!, limit: r.limit(), cursor: r.string('cursor'),
    };
    const format = r.format(accept);
    r.done();
    const body = await this.repository.report(q);
    return respond<TenureDto>(res, format, body, () => ({
      filename: 'leadership',
      rows: body.items,
      next: body.next,
      columns: [
        { header: 'person', value: (t) => t.person }, { header: 'person_name', value: (t) => t.personName },
        { header: 'role', value: (t) => t.role }, { header: 'role_category', value: (t) => t.roleCategory },
        { header: 'interim', value: (t) => t.interim }, { header: 'start', value: (t) => t.start?.occurredAt ?? 'unknown' },
        { header: 'end', value: (t) => t.end?.occurredAt ?? '' }, { header: 'certain', value: (t) => t.certain },
        { header: 'modality', value: (t) => t.start?.modality ?? t.end?.modality },
        { header: 'sources', value: (t) => [...new Set([...(t.start?.sources ?? []), ...(t.end?.sources ?? [])].map((s) => s.outlet))] },
      ],
    }));
  }
}
