import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DEPARTURE_GROUPINGS } from '@newsroom/projections';
import { ApiReport, ApiTimeTravel } from '../shared/openapi.schemas';
import { ReportQueryReader } from '../shared/report-query.reader';
import { respond } from '../shared/report.response';
import { DepartureDto, DeparturesRepository } from './departures.repository';
import { departuresReportSchema } from './departures.schema';

type CsvRow = DepartureDto & { group?: string };

@ApiTags('reports')
@Controller('v1/reports/departures')
export class DeparturesController {
  constructor(private readonly repository: DeparturesRepository) {}

  @Get()
  @ApiOperation({ summary: 'Departures in valid-time order, or grouped by month, quarter, year or role category.' })
  @ApiQuery({ name: 'organization', required: false, example: 'org:openai' })
  @ApiQuery({ name: 'from', required: false, description: 'Departures whose date overlaps [from, to)' })
  @ApiQuery({ name: 'to', required: false })
  @ApiQuery({ name: 'groupBy', required: false, enum: [...DEPARTURE_GROUPINGS] })
  @ApiTimeTravel({ paged: true })
  @ApiReport('A page of departures (items, next), or groups with counts when groupBy is given.', departuresReportSchema)
  async report(@Query() raw: Record<string, unknown>, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response) {
    const r = new ReportQueryReader(raw, ['organization', 'from', 'to', 'groupBy'], true);
    const q = {
      organization: r.subject('organization', { kind: 'org' }), from: r.instant('from'), to: r.instant('to', 'end'),
      groupBy: r.oneOf('groupBy', DEPARTURE_GROUPINGS), asOf: r.instant('asOf'), knownAt: r.instant('knownAt'),
      modality: r.modality(), limit: r.limit(), cursor: r.string('cursor'),
    };
    if (q.from && q.to && q.from >= q.to) r.fail('to', 'must end after from');
    const format = r.format(accept);
    r.done();
    const body = await this.repository.report(q);
    const rows: CsvRow[] =
      'groups' in body ? [...body.groups.flatMap((g) => g.items.map((i) => ({ ...i, group: g.key }))), ...body.unplaced.items.map((i) => ({ ...i, group: 'unplaced' }))] : body.items;
    return respond<CsvRow>(res, format, body, () => ({
      filename: 'departures',
      rows,
      next: 'next' in body ? body.next : null,
      columns: [
        ...(q.groupBy ? [{ header: 'group', value: (d: CsvRow) => d.group }] : []),
        { header: 'person', value: (d) => d.person }, { header: 'person_name', value: (d) => d.personName },
        { header: 'organization', value: (d) => d.organization }, { header: 'role', value: (d) => d.role },
        { header: 'role_category', value: (d) => d.roleCategory }, { header: 'reason', value: (d) => d.reason },
        { header: 'destination', value: (d) => d.destination }, { header: 'occurred_at', value: (d) => d.occurredAt },
        { header: 'modality', value: (d) => d.modality }, { header: 'status', value: (d) => d.status },
        { header: 'recorded_at', value: (d) => d.recordedAt }, { header: 'sources', value: (d) => d.sources.map((s) => s.outlet) },
      ],
    }));
  }
}
