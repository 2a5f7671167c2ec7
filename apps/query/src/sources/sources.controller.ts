import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { problems } from '@newsroom/platform';
import { formatOf, readReportParams } from '../reports/shared/report-params.schema';
import { respond } from '../reports/shared/report.response';
import { conflictsWithColumn, factSourcingColumns } from '../reports/shared/csv.writer';
import { ConflictsWithRepository } from '../reports/shared/conflicts-with.repository';
import { READ_MODELS, ReadModelFreshness } from '../reports/shared/read-model-freshness.service';
import { ApiParams, ApiProblemNotFound, ApiReport } from '../docs/zod-openapi.decorator';
import { SourceDto, SourceFactDto, SourcesRepository } from './sources.repository';
import { sourceDetailParams, sourceDetailSchema, sourcesListParams, sourcesListSchema } from './sources.schema';
import { Localised } from '../lang/content-language.interceptor';

@ApiTags('sources')
@Controller('v1/sources')
export class SourcesController {
  constructor(
    private readonly repository: SourcesRepository,
    private readonly freshness: ReadModelFreshness,
    private readonly conflicts: ConflictsWithRepository,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Stories (sources) that back at least one standing fact, in the order first recorded.' })
  @ApiParams(sourcesListParams)
  @ApiReport('A page of sources (items, next).', sourcesListSchema, {
    rows: 'One row per source.',
    header: 'id,outlet,title,url,language,published_at,first_recorded_at',
  })
  async list(
    @Query() raw: Record<string, unknown>,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const f = readReportParams(sourcesListParams, raw, { what: 'sources query' });
    await this.freshness.settle(res, f.minPosition, READ_MODELS.sources);
    const format = formatOf(f.format, accept);
    const body = await this.repository.list(f);
    return respond<SourceDto>(res, format, body, () => ({
      filename: 'sources',
      rows: body.items,
      next: body.next,
      columns: [
        { header: 'id', value: (s) => s.id },
        { header: 'outlet', value: (s) => s.outlet },
        { header: 'title', value: (s) => s.title },
        { header: 'url', value: (s) => s.url },
        { header: 'language', value: (s) => s.language },
        { header: 'published_at', value: (s) => s.publishedAt },
        { header: 'first_recorded_at', value: (s) => s.firstRecordedAt },
      ],
    }));
  }

  @Get(':id')
  @Localised()
  @ApiOperation({ summary: 'A story and the standing facts it backs, confirms or denies, each with the quote it gives.' })
  @ApiParams(sourceDetailParams, { path: ['id'] })
  @ApiReport('The source and a page of the facts it backs (items, next).', sourceDetailSchema, {
    rows: 'One row per fact the source backs, with its stance (the source itself is in the JSON).',
    header:
      'occurred_at,type,subject,headline,stance,quote,modality,status,recorded_at,fact_id,outlets,confirms,denies,inferred,subject_name,conflicts_with',
  })
  @ApiProblemNotFound('Unknown source, or it backs no standing fact (at knownAt).')
  async find(
    @Param('id') id: string,
    @Query() raw: Record<string, unknown>,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const f = readReportParams(sourceDetailParams, raw, { path: { id }, what: 'source request' });
    await this.freshness.settle(res, f.minPosition, READ_MODELS.sources);
    const format = formatOf(f.format, accept);
    const body = await this.repository.find(id, f);
    if (!body) throw problems.notFound(`No source ${id} backing a standing fact${f.knownAt ? ` as known at ${f.knownAt}` : ''}.`);
    if (format === 'csv') await this.conflicts.attach(body);
    return respond<SourceFactDto>(res, format, body, () => ({
      filename: `source-${id}`,
      rows: body.items,
      next: body.next,
      columns: [
        { header: 'occurred_at', value: (x) => x.occurredAt },
        { header: 'type', value: (x) => x.type },
        { header: 'subject', value: (x) => x.subject },
        { header: 'headline', value: (x) => x.headline },
        { header: 'stance', value: (x) => x.stance },
        { header: 'quote', value: (x) => x.quote },
        { header: 'modality', value: (x) => x.modality },
        { header: 'status', value: (x) => x.status },
        { header: 'recorded_at', value: (x) => x.recordedAt },
        { header: 'fact_id', value: (x) => x.factId },
        ...factSourcingColumns<SourceFactDto>((x) => x),
        // Added later, so at the end.
        { header: 'subject_name', value: (x) => x.subjectName },
        // The conflicts the fact is a side of (the JSON's conflictsWith).
        conflictsWithColumn<SourceFactDto>((x) => x),
      ],
    }));
  }
}
