import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { problems } from '@newsroom/platform';
import { ApiReport, ApiTimeTravel, problemSchema } from '../reports/shared/openapi.schemas';
import { ReportQueryReader } from '../reports/shared/report-query.reader';
import { respond } from '../reports/shared/report.response';
import { SourceDto, SourceFactDto, SourcesRepository } from './sources.repository';
import { sourceDetailSchema, sourcesListSchema } from './sources.schema';

@ApiTags('sources')
@Controller('v1/sources')
export class SourcesController {
  constructor(private readonly repository: SourcesRepository) {}

  @Get()
  @ApiOperation({ summary: 'Stories (sources) that back at least one standing fact, in the order first recorded.' })
  @ApiQuery({ name: 'outlet', required: false })
  @ApiTimeTravel({ paged: true })
  @ApiReport('A page of sources (items, next).', sourcesListSchema)
  async list(@Query() raw: Record<string, unknown>, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response) {
    const r = new ReportQueryReader(raw, ['outlet'], true);
    const f = { outlet: r.string('outlet'), asOf: r.instant('asOf'), knownAt: r.instant('knownAt'), modality: r.modality(), limit: r.limit(), cursor: r.string('cursor') };
    const format = r.format(accept);
    r.done();
    const body = await this.repository.list(f);
    return respond<SourceDto>(res, format, body, () => ({
      filename: 'sources',
      rows: body.items,
      next: body.next,
      columns: [
        { header: 'id', value: (s) => s.id }, { header: 'outlet', value: (s) => s.outlet }, { header: 'title', value: (s) => s.title },
        { header: 'url', value: (s) => s.url }, { header: 'language', value: (s) => s.language }, { header: 'published_at', value: (s) => s.publishedAt },
        { header: 'first_recorded_at', value: (s) => s.firstRecordedAt },
      ],
    }));
  }

  @Get(':id')
  @ApiOperation({ summary: 'A story and the standing facts it backs, each with the quote it gives.' })
  @ApiParam({ name: 'id', description: 'The source id (24 hex characters)' })
  @ApiQuery({ name: 'lang', required: false, enum: ['en', 'fr'] })
  @ApiTimeTravel({ paged: true })
  @ApiReport('The source and a page of the facts it backs (items, next).', sourceDetailSchema)
  @ApiNotFoundResponse({ description: 'Unknown source, or it backs no standing fact (at knownAt).', content: { 'application/problem+json': { schema: problemSchema } } })
  async find(@Param('id') id: string, @Query() raw: Record<string, unknown>, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response) {
    const r = new ReportQueryReader(raw, ['lang'], true);
    if (!/^[0-9a-f]{24}$/.test(id)) r.fail('id', 'must be a source id (24 hex characters)');
    const f = { asOf: r.instant('asOf'), knownAt: r.instant('knownAt'), modality: r.modality(), limit: r.limit(), cursor: r.string('cursor'), lang: r.lang() };
    const format = r.format(accept);
    r.done();
    const body = await this.repository.find(id, f);
    if (!body) throw problems.notFound(`No source ${id} backing a standing fact${f.knownAt ? ` as known at ${f.knownAt}` : ''}.`);
    return respond<SourceFactDto>(res, format, body, () => ({
      filename: `source-${id}`,
      rows: body.items,
      next: body.next,
      columns: [
        { header: 'occurred_at', value: (x) => x.occurredAt }, { header: 'type', value: (x) => x.type }, { header: 'subject', value: (x) => x.subject },
        { header: 'headline', value: (x) => x.headline }, { header: 'quote', value: (x) => x.quote }, { header: 'modality', value: (x) => x.modality },
        { header: 'status', value: (x) => x.status }, { header: 'recorded_at', value: (x) => x.recordedAt }, { header: 'fact_id', value: (x) => x.factId },
      ],
    }));
  }
}
