import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { conflictsWithColumn, factSourcingColumns } from '../shared/csv.writer';
import { ConflictsWithRepository } from '../shared/conflicts-with.repository';
import { formatOf, readReportParams } from '../shared/report-params.schema';
import { respond } from '../shared/report.response';
import { stepsHappenedBy } from '../shared/sql.builder';
import { READ_MODELS, ReadModelFreshness } from '../shared/read-model-freshness.service';
import { ApiParams, ApiReport } from '../../docs/zod-openapi.decorator';
import { CaseDto, LawsuitsRepository } from './lawsuits.repository';
import { lawsuitsParams, lawsuitsReportSchema } from './lawsuits.schema';
import { Localised } from '../../lang/content-language.interceptor';

@ApiTags('reports')
@Controller('v1/reports/lawsuits')
export class LawsuitsController {
  constructor(
    private readonly repository: LawsuitsRepository,
    private readonly freshness: ReadModelFreshness,
    private readonly conflicts: ConflictsWithRepository,
  ) {}

  @Get()
  @Localised()
  @ApiOperation({ summary: 'Cases, their current status and history; filter by party and current status.' })
  @ApiParams(lawsuitsParams)
  @ApiReport('A page of cases (items, next).', lawsuitsReportSchema, {
    rows: 'One row per case: its current status and steps, the filing\'s sources (the steps\' in step_sources).',
    header: 'case,case_name,title,status,filed_at,plaintiffs,defendants,court,steps,modality,sources,outlets,confirms,denies,inferred,canonical_plaintiffs,canonical_defendants,claims,fallbacks,step_sources,rumored_status,conflicts_with,step_conflicts_with',
  })
  async report(@Query() raw: Record<string, unknown>, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response) {
    const q = readReportParams(lawsuitsParams, raw);
    await this.freshness.settle(res, q.minPosition, READ_MODELS.lawsuits);
    const format = formatOf(q.format, accept);
    const body = await this.repository.report(q, stepsHappenedBy(raw.asOf));
    if (format === 'csv') await this.conflicts.attach(body);
    return respond<CaseDto>(res, format, body, () => ({
      filename: 'lawsuits',
      rows: body.items,
      next: body.next,
      columns: [
        { header: 'case', value: (c) => c.case }, { header: 'case_name', value: (c) => c.caseName }, { header: 'title', value: (c) => c.title },
        { header: 'status', value: (c) => c.status }, { header: 'filed_at', value: (c) => c.filed.occurredAt },
        { header: 'plaintiffs', value: (c) => c.plaintiffs }, { header: 'defendants', value: (c) => c.defendants },
        { header: 'court', value: (c) => c.court }, { header: 'steps', value: (c) => c.history.map(stepCell) },
        // The filing's sources, as the JSON `filed.sources` and the sourcing columns after them; the steps' are step_sources.
        { header: 'modality', value: (c) => c.filed.modality }, { header: 'sources', value: (c) => c.filed.sources.map((x) => x.outlet) },
        // A case is sourced as its filing (the fact ?minOutlets= reads too), as every other report's row ends.
        ...factSourcingColumns<CaseDto>((c) => c.filed),
        // Added later, so at the end: the parties as entities (merged subjects resolved), the claims, and the fields
        // shown in the other language.
        { header: 'canonical_plaintiffs', value: (c) => c.canonicalPlaintiffs }, { header: 'canonical_defendants', value: (c) => c.canonicalDefendants },
        { header: 'claims', value: (c) => c.claims }, { header: 'fallbacks', value: (c) => c.fallbacks },
        // The outlets of the steps listed after the filing (each step's own are its JSON history[].sources), which the
        // sources column used to mix with the filing's.
        { header: 'step_sources', value: (c) => [...new Set(c.history.slice(1).flatMap((s) => s.sources.map((x) => x.outlet)))] },
        // The latest rumoured step after the status, which does not count until confirmed (JSON rumoredStatus; empty when none).
        { header: 'rumored_status', value: (c) => c.rumoredStatus },
        // The conflicts the filing is a side of (the JSON's filed.conflictsWith), then those of the steps listed after it
        // (each step's history[].conflictsWith), as step_sources splits the outlets.
        conflictsWithColumn<CaseDto>((c) => c.filed),
        { header: 'step_conflicts_with', value: (c) => [...new Set(c.history.slice(1).flatMap((s) => (s as { conflictsWith?: string[] }).conflictsWith ?? []))] },
      ],
    }));
  }
}

/**
 * A step in the CSV's `steps` cell: its status and date, and its modality when it is not a plain report, so a rumour
 * or a denial does not read as a step that happened (`dismissed 2024-09 (rumored); dismissed 2024-05 (denied)`).
 */
function stepCell(s: { status: string; occurredAt: string | null; modality: string }): string {
  const step = `${s.status} ${s.occurredAt ?? ''}`.trim();
  return s.modality === 'reported' ? step : `${step} (${s.modality})`;
}
