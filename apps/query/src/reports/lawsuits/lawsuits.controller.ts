import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { LAWSUIT_STATUSES } from '@newsroom/domain';
import { ApiReport, ApiTimeTravel } from '../shared/openapi.schemas';
import { ReportQueryReader } from '../shared/report-query.reader';
import { respond } from '../shared/report.response';
import { CaseDto, LawsuitsRepository } from './lawsuits.repository';
import { lawsuitsReportSchema } from './lawsuits.schema';

const STATUSES = ['filed', ...LAWSUIT_STATUSES];

@ApiTags('reports')
@Controller('v1/reports/lawsuits')
export class LawsuitsController {
  constructor(private readonly repository: LawsuitsRepository) {}

  @Get()
  @ApiOperation({ summary: 'Cases, their current status and history; filter by party and current status.' })
  @ApiQuery({ name: 'party', required: false, example: 'person:elon-musk', description: 'A plaintiff or defendant' })
  @ApiQuery({ name: 'status', required: false, description: `Current status, comma-separated: ${STATUSES.join(', ')}` })
  @ApiTimeTravel({ paged: true })
  @ApiReport('A page of cases (items, next).', lawsuitsReportSchema)
  async report(@Query() raw: Record<string, unknown>, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response) {
    const r = new ReportQueryReader(raw, ['party', 'status'], true);
    const q = {
      party: r.subject('party'), status: r.list('status', STATUSES), asOf: r.instant('asOf'), knownAt: r.instant('knownAt'),
      modality: r.modality(), limit: r.limit(), cursor: r.string('cursor'),
    };
    const format = r.format(accept);
    r.done();
    const body = await this.repository.report(q);
    return respond<CaseDto>(res, format, body, () => ({
      filename: 'lawsuits',
      rows: body.items,
      next: body.next,
      columns: [
        { header: 'case', value: (c) => c.case }, { header: 'case_name', value: (c) => c.caseName }, { header: 'title', value: (c) => c.title },
        { header: 'status', value: (c) => c.status }, { header: 'filed_at', value: (c) => c.filed.occurredAt },
        { header: 'plaintiffs', value: (c) => c.plaintiffs }, { header: 'defendants', value: (c) => c.defendants },
        { header: 'court', value: (c) => c.court }, { header: 'steps', value: (c) => c.history.map((s) => `${s.status} ${s.occurredAt ?? ''}`.trim()) },
        { header: 'modality', value: (c) => c.filed.modality }, { header: 'sources', value: (c) => [...new Set(c.history.flatMap((s) => s.sources.map((x) => x.outlet)))] },
      ],
    }));
  }
}
