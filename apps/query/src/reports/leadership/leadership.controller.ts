import { conflictsWithColumn, factSourcingColumns } from '../shared/csv.writer';
import { ConflictsWithRepository } from '../shared/conflicts-with.repository';
import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { formatOf, readReportParams } from '../shared/report-params.schema';
import { respond } from '../shared/report.response';
import { READ_MODELS, ReadModelFreshness } from '../shared/read-model-freshness.service';
import { ApiParams, ApiReport } from '../../docs/zod-openapi.decorator';
import { LeadershipRepository, TenureDto } from './leadership.repository';
import { leadershipParams, leadershipReportSchema } from './leadership.schema';
import { Localised } from '../../lang/content-language.interceptor';

@ApiTags('reports')
@Controller('v1/reports/leadership')
export class LeadershipController {
  constructor(
    private readonly repository: LeadershipRepository,
    private readonly freshness: ReadModelFreshness,
    private readonly conflicts: ConflictsWithRepository,
  ) {}

  @Get()
  @Localised()
  @ApiOperation({ summary: 'Who holds which role at an organization, as of a date (valid time) and as known at an instant (transaction time).' })
  @ApiParams(leadershipParams)
  @ApiReport('One page of tenures (items) in role order, and the cursor of the next page.', leadershipReportSchema, {
    rows: 'One row per tenure (the roster, or every tenure with show=tenures), its start\'s and end\'s sourcing under start_ and end_.',
    header: 'person,person_name,role,role_category,interim,start,end,certain,modality,sources,start_event_id,end_event_id,start_outlets,start_confirms,start_denies,start_inferred,end_outlets,end_confirms,end_denies,end_inferred,canonical_person,canonical_person_name,reason,destination,fallbacks,organization,end_organization,canonical_organization,modality_from_event_id,modality_from_sources,end_modality,start_from,start_to,end_from,end_to,start_conflicts_with,end_conflicts_with',
  })
  async report(@Query() raw: Record<string, unknown>, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response) {
    const q = readReportParams(leadershipParams, raw, {
      // Denied facts never make or end a tenure: a roster of denied facts alone would always be empty, as if none were.
      cross: ({ modality }) =>
        modality?.length && modality.every((m) => m === 'denied')
          ? [{ path: 'modality', message: 'denied facts never make or end a tenure: list them with /v1/reports/timeline?modality=denied (or departures)' }]
          : [],
    });
    await this.freshness.settle(res, q.minPosition, READ_MODELS.leadership);
    const format = formatOf(q.format, accept);
    const body = await this.repository.report(q);
    if (format === 'csv') await this.conflicts.attach(body);
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
        { header: 'start_event_id', value: (t) => t.start?.eventId }, { header: 'end_event_id', value: (t) => t.end?.eventId },
        ...factSourcingColumns<TenureDto>((t) => t.start, 'start_'), ...factSourcingColumns<TenureDto>((t) => t.end, 'end_'),
        // Added later, so at the end: a sheet reading the columns above by place reads them as before.
        { header: 'canonical_person', value: (t) => t.canonicalPerson }, { header: 'canonical_person_name', value: (t) => t.canonicalPersonName },
        { header: 'reason', value: (t) => t.reason ?? '' }, { header: 'destination', value: (t) => t.destination ?? '' },
        { header: 'fallbacks', value: (t) => t.fallbacks },
        // The organization slugs the tenure was recorded under (of merged slugs, the start's and the end's may differ).
        { header: 'organization', value: (t) => t.organization }, { header: 'end_organization', value: (t) => t.end?.organization ?? '' },
        { header: 'canonical_organization', value: (t) => t.canonicalOrganization },
        // The report the start's modality comes from when it is another than the start's own (`modality` above, start_event_id's
        // sources in `sources`): its id and outlets, empty when the start's own report is the strongest.
        { header: 'modality_from_event_id', value: (t) => t.start?.modalityFrom?.eventId ?? '' },
        { header: 'modality_from_sources', value: (t) => [...new Set((t.start?.modalityFrom?.sources ?? []).map((s) => s.outlet))] },
        // The end's own modality (`end.modality`): `rumored` for a tenure ended by a rumour only, which the roster keeps
        // (not certain); empty without an end.
        { header: 'end_modality', value: (t) => t.end?.modality ?? '' },
        // The instants each bound's date stands for (the JSON's from, to): `start` and `end` are dates as written
        // ("2024-Q2", "unknown"), which a spreadsheet cannot sort or filter by.
        { header: 'start_from', value: (t) => t.start?.from ?? '' }, { header: 'start_to', value: (t) => t.start?.to ?? '' },
        { header: 'end_from', value: (t) => t.end?.from ?? '' }, { header: 'end_to', value: (t) => t.end?.to ?? '' },
        // The conflicts each bound is a side of (the JSON's start.conflictsWith, end.conflictsWith): a disputed date looks
        // disputed in a sheet too.
        conflictsWithColumn<TenureDto>((t) => t.start, 'start_'), conflictsWithColumn<TenureDto>((t) => t.end, 'end_'),
      ],
    }));
  }
}
