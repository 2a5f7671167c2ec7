import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiParams, ApiReport } from '../../docs/zod-openapi.decorator';
import { formatOf, readReportParams } from '../shared/report-params.schema';
import { respond } from '../shared/report.response';
import { READ_MODELS, ReadModelFreshness } from '../shared/read-model-freshness.service';
import { ConflictDto, ConflictsRepository } from './conflicts.repository';
import { conflictsParams, conflictsReportSchema } from './conflicts.schema';
import { Localised } from '../../lang/content-language.interceptor';

const value = (c: ConflictDto, i: 0 | 1) => {
  const v = c.sides[i].value;
  return v.amount !== undefined && v.amount !== null ? `${v.amount} ${v.currency ?? ''}`.trim() : (v.count ?? v.status ?? [v.occurredAt, v.destination].filter(Boolean).join(' '));
};

@ApiTags('reports')
@Controller('v1/reports/conflicts')
export class ConflictsController {
  constructor(
    private readonly repository: ConflictsRepository,
    private readonly freshness: ReadModelFreshness,
  ) {}

  @Get()
  @Localised()
  @ApiOperation({
    summary:
      'Standing facts that contradict each other (figures for one organization, metric, basis and period; one person leaving one role; case outcomes at one date), open and resolved, with both sides and their sources.',
  })
  @ApiParams(conflictsParams)
  @ApiReport('A page of conflicts (items, next).', conflictsReportSchema, {
    rows: 'One row per conflict: side a (recorded first) then side b, each with its event, value and sources.',
    header: 'conflict_id,kind,subject,fields,status,a_event_id,a_value,a_sources,b_event_id,b_value,b_sources,opened_at,closed_at,resolved_by,standing_event_id,reason,key,subject_name,opened_event_id,resolution_event_id,a_headline,b_headline,a_outlets,b_outlets,a_modality,b_modality',
  })
  async report(@Query() raw: Record<string, unknown>, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response) {
    const q = readReportParams(conflictsParams, raw);
    await this.freshness.settle(res, q.minPosition, READ_MODELS.conflicts);
    const format = formatOf(q.format, accept);
    const body = await this.repository.report(q);
    return respond<ConflictDto>(res, format, body, () => ({
      filename: 'conflicts',
      rows: body.items,
      next: body.next,
      columns: [
        { header: 'conflict_id', value: (c) => c.conflictId }, { header: 'kind', value: (c) => c.kind }, { header: 'subject', value: (c) => c.subject },
        { header: 'fields', value: (c) => c.fields }, { header: 'status', value: (c) => c.status },
        { header: 'a_event_id', value: (c) => c.sides[0].eventId }, { header: 'a_value', value: (c) => value(c, 0) },
        { header: 'a_sources', value: (c) => c.sides[0].sources.map((s) => s.outlet) },
        { header: 'b_event_id', value: (c) => c.sides[1].eventId }, { header: 'b_value', value: (c) => value(c, 1) },
        { header: 'b_sources', value: (c) => c.sides[1].sources.map((s) => s.outlet) },
        { header: 'opened_at', value: (c) => c.openedAt }, { header: 'closed_at', value: (c) => c.closedAt },
        { header: 'resolved_by', value: (c) => c.resolution?.by ?? null }, { header: 'standing_event_id', value: (c) => c.resolution?.standingEventId ?? null },
        { header: 'reason', value: (c) => c.resolution?.reason ?? null },
        { header: 'key', value: (c) => c.key },
        // Added later, so at the end: the subject's name, the event that opened it and the one that resolved it, and
        // each side as the feed shows it.
        { header: 'subject_name', value: (c) => c.subjectName }, { header: 'opened_event_id', value: (c) => c.openedEventId },
        { header: 'resolution_event_id', value: (c) => c.resolution?.eventId ?? null },
        { header: 'a_headline', value: (c) => c.sides[0].headline }, { header: 'b_headline', value: (c) => c.sides[1].headline },
        // Then the outlets behind each side (corroboration.outlets), where a_sources lists a side's own.
        { header: 'a_outlets', value: (c) => c.sides[0].corroboration.outlets }, { header: 'b_outlets', value: (c) => c.sides[1].corroboration.outlets },
        // Then each side's modality: a denial and the departure it contradicts.
        { header: 'a_modality', value: (c) => c.sides[0].modality }, { header: 'b_modality', value: (c) => c.sides[1].modality },
      ],
    }));
  }
}
