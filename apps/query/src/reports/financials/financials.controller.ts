import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { FINANCIAL_METRICS } from '@newsroom/projections';
import { ApiReport, ApiTimeTravel } from '../shared/openapi.schemas';
import { ReportQueryReader } from '../shared/report-query.reader';
import { respond } from '../shared/report.response';
import { FinancialsRepository, PointDto } from './financials.repository';
import { financialsReportSchema } from './financials.schema';

@ApiTags('reports')
@Controller('v1/reports/financials')
export class FinancialsController {
  constructor(private readonly repository: FinancialsRepository) {}

  @Get()
  @ApiOperation({ summary: 'A time series of revenue, targets, losses, headcount, funding or valuation, each point with its sources.' })
  @ApiQuery({ name: 'organization', required: true, example: 'org:openai' })
  @ApiQuery({ name: 'metric', required: false, description: `Comma-separated: ${FINANCIAL_METRICS.join(', ')}` })
  @ApiQuery({ name: 'basis', required: false, description: 'Comma-separated bases (see the point schema)' })
  @ApiQuery({ name: 'from', required: false, description: 'Points whose period overlaps [from, to)' })
  @ApiQuery({ name: 'to', required: false })
  @ApiTimeTravel({ paged: true })
  @ApiReport('A page of points ordered by period (items, next).', financialsReportSchema)
  async report(@Query() raw: Record<string, unknown>, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response) {
    const r = new ReportQueryReader(raw, ['organization', 'metric', 'basis', 'from', 'to'], true);
    const q = {
      organization: r.subject('organization', { kind: 'org', required: true })!, metric: r.list('metric', FINANCIAL_METRICS),
      basis: r.list('basis'), from: r.instant('from'), to: r.instant('to', 'end'), asOf: r.instant('asOf'), knownAt: r.instant('knownAt'),
      modality: r.modality(), limit: r.limit(), cursor: r.string('cursor'),
    };
    const format = r.format(accept);
    r.done();
    const body = await this.repository.report(q);
    return respond<PointDto>(res, format, body, () => ({
      filename: 'financials',
      rows: body.items,
      next: body.next,
      columns: [
        { header: 'metric', value: (x) => x.metric }, { header: 'basis', value: (x) => x.basis }, { header: 'period', value: (x) => x.period },
        { header: 'period_start', value: (x) => x.periodStart }, { header: 'amount', value: (x) => x.amount },
        { header: 'currency', value: (x) => x.currency }, { header: 'count', value: (x) => x.count },
        { header: 'occurred_at', value: (x) => x.occurredAt }, { header: 'modality', value: (x) => x.modality },
        { header: 'status', value: (x) => x.status }, { header: 'recorded_at', value: (x) => x.recordedAt },
        { header: 'sources', value: (x) => x.sources.map((s) => s.outlet) }, { header: 'fact_id', value: (x) => x.factId },
      ],
    }));
  }
}
