import { conflictsWithColumn, factSourcingColumns } from '../shared/csv.writer';
import { ConflictsWithRepository } from '../shared/conflicts-with.repository';
import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { formatOf, fromBeforeTo, readReportParams } from '../shared/report-params.schema';
import { respond } from '../shared/report.response';
import { READ_MODELS, ReadModelFreshness } from '../shared/read-model-freshness.service';
import { ApiParams, ApiReport } from '../../docs/zod-openapi.decorator';
import { DepartureDto, DeparturesRepository } from './departures.repository';
import { departuresParams, departuresReportSchema } from './departures.schema';
import { Localised } from '../../lang/content-language.interceptor';

/** A departure as a CSV row; grouped, with its group's key and the group's figures (the JSON's `count`, `reports` and `rumored`). */
type CsvRow = DepartureDto & { group?: string; groupCount?: number; groupReports?: number; groupRumored?: number };

@ApiTags('reports')
@Controller('v1/reports/departures')
export class DeparturesController {
  constructor(
    private readonly repository: DeparturesRepository,
    private readonly freshness: ReadModelFreshness,
    private readonly conflicts: ConflictsWithRepository,
  ) {}

  @Get()
  @Localised()
  @ApiOperation({ summary: 'Departures in valid-time order, or grouped by month, quarter, year or role category.' })
  @ApiParams(departuresParams)
  @ApiReport('A page of departures (items, next), or groups with counts when groupBy is given.', departuresReportSchema, {
    rows:
      'One row per departure report; with groupBy, one per report in each group (`unplaced`: the undated), the group first ' +
      '(`group`) and its figures after `fallbacks` (group_count, group_reports, group_rumored: the JSON\'s count, reports, rumored).',
    header: {
      items: { summary: 'Without groupBy', header: 'person,person_name,organization,role,role_category,reason,destination,occurred_at,modality,status,recorded_at,sources,fact_id,outlets,confirms,denies,inferred,canonical_person,canonical_person_name,fallbacks,valid_from,valid_to,conflicts_with' },
      grouped: { summary: 'With groupBy', header: 'group,person,person_name,organization,role,role_category,reason,destination,occurred_at,modality,status,recorded_at,sources,fact_id,outlets,confirms,denies,inferred,canonical_person,canonical_person_name,fallbacks,group_count,group_reports,group_rumored,valid_from,valid_to,conflicts_with' },
    },
  })
  async report(@Query() raw: Record<string, unknown>, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response) {
    const q = readReportParams(departuresParams, raw, { cross: fromBeforeTo });
    await this.freshness.settle(res, q.minPosition, READ_MODELS.departures);
    const format = formatOf(q.format, accept);
    const body = await this.repository.report(q);
    if (format === 'csv') await this.conflicts.attach(body);
    // Grouped, a row is a report: each carries its group's count of departures and of reports, so a sheet counting
    // rows (reports) can still read the departures, as the JSON's groups give them.
    const rows: CsvRow[] =
      'groups' in body
        ? [...body.groups.map((g) => ({ ...g, group: g.key })), { ...body.unplaced, group: 'unplaced' }].flatMap((g) =>
            g.items.map((i) => ({ ...i, group: g.group, groupCount: g.count, groupReports: g.reports, groupRumored: g.rumored })),
          )
        : body.items;
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
        { header: 'fact_id', value: (d) => d.factId }, ...factSourcingColumns<CsvRow>((d) => d),
        // Added later, so at the end: a sheet reading the columns above by place reads them as before.
        { header: 'canonical_person', value: (d) => d.canonicalPerson }, { header: 'canonical_person_name', value: (d) => d.canonicalPersonName },
        { header: 'fallbacks', value: (d) => d.fallbacks },
        ...(q.groupBy ? [{ header: 'group_count', value: (d: CsvRow) => d.groupCount }, { header: 'group_reports', value: (d: CsvRow) => d.groupReports }] : []),
        // Added later still: the group's departures only rumoured (the JSON's `rumored`).
        ...(q.groupBy ? [{ header: 'group_rumored', value: (d: CsvRow) => d.groupRumored }] : []),
        // The instants the date stands for (the JSON's validFrom, validTo): `occurred_at` is a date as written ("2024-Q2",
        // "2024-12-15/2025-01-15"), which a spreadsheet cannot sort or filter by.
        { header: 'valid_from', value: (d) => d.validFrom }, { header: 'valid_to', value: (d) => d.validTo },
        // The conflicts the departure is a side of (the JSON's conflictsWith).
        conflictsWithColumn<CsvRow>((d) => d),
      ],
    }));
  }
}
