import { conflictsWithColumn, factSourcingColumns } from '../shared/csv.writer';
import { ConflictsWithRepository } from '../shared/conflicts-with.repository';
import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { formatOf, readReportParams } from '../shared/report-params.schema';
import { respond } from '../shared/report.response';
import { READ_MODELS, ReadModelFreshness } from '../shared/read-model-freshness.service';
import { ApiParams, ApiReport } from '../../docs/zod-openapi.decorator';
import { FinancialsRepository, PointDto } from './financials.repository';
import { basisProblems, financialsParams, financialsReportSchema } from './financials.schema';
import { Localised } from '../../lang/content-language.interceptor';

@ApiTags('reports')
@Controller('v1/reports/financials')
export class FinancialsController {
  constructor(
    private readonly repository: FinancialsRepository,
    private readonly freshness: ReadModelFreshness,
    private readonly conflicts: ConflictsWithRepository,
  ) {}

  @Get()
  @Localised()
  @ApiOperation({ summary: 'A time series of revenue, targets, losses, headcount, funding or valuation, each point with its sources.' })
  @ApiParams(financialsParams)
  @ApiReport('A page of points ordered by period (items, next).', financialsReportSchema, {
    rows: 'One row per point of the series.',
    header: 'metric,basis,period,period_start,amount,currency,count,occurred_at,modality,status,recorded_at,sources,fact_id,outlets,confirms,denies,inferred,organization,canonical_organization,period_end,conflicts_with',
  })
  async report(@Query() raw: Record<string, unknown>, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response) {
    const q = readReportParams(financialsParams, raw, { cross: basisProblems });
    await this.freshness.settle(res, q.minPosition, READ_MODELS.financials);
    const format = formatOf(q.format, accept);
    const body = await this.repository.report(q);
    if (format === 'csv') await this.conflicts.attach(body);
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
        ...factSourcingColumns<PointDto>((x) => x),
        // Added later, so at the end: who the figure was recorded under and the entity it belongs to (rows of merged
        // subjects told apart, as the JSON's points are), and where its period ends.
        { header: 'organization', value: (x) => x.organization }, { header: 'canonical_organization', value: (x) => x.canonicalOrganization },
        { header: 'period_end', value: (x) => x.periodEnd },
        // The conflicts the figure is a side of (the JSON's conflictsWith): a disputed figure looks disputed in a sheet.
        conflictsWithColumn<PointDto>((x) => x),
      ],
    }));
  }
}
