import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { problems } from '@newsroom/platform';
import { formatOf, readReportParams } from '../reports/shared/report-params.schema';
import { respond } from '../reports/shared/report.response';
import { ConflictsWithRepository } from '../reports/shared/conflicts-with.repository';
import { READ_MODELS, ReadModelFreshness } from '../reports/shared/read-model-freshness.service';
import { ApiParams, ApiProblemNotFound, ApiReport } from '../docs/zod-openapi.decorator';
import { TIMELINE_CSV } from '../reports/timeline/timeline-csv.writer';
import { EntitiesRepository } from './entities.repository';
import { entityParams, entitySchema } from './entities.schema';
import { Localised } from '../lang/content-language.interceptor';

@ApiTags('entities')
@Controller('v1/entities')
export class EntitiesController {
  constructor(
    private readonly repository: EntitiesRepository,
    private readonly freshness: ReadModelFreshness,
    private readonly conflicts: ConflictsWithRepository,
  ) {}

  @Get(':subject')
  @Localised()
  @ApiOperation({ summary: 'A subject: its display name and the standing facts that name it, in valid-time order.' })
  @ApiParams(entityParams, { path: ['subject'] })
  @ApiReport('The entity and a page of related facts (items, next).', entitySchema, {
    rows: "One row per related fact, in the timeline's columns (the entity itself is in the JSON).",
    header:
      'occurred_at,type,subject,role,headline,modality,status,recorded_at,sources,fact_id,outlets,confirms,denies,inferred,subject_name,canonical_subject,valid_from,valid_to,conflicts_with',
  })
  @ApiProblemNotFound('No standing fact names this subject (at knownAt).')
  async find(
    @Param('subject') subject: string,
    @Query() raw: Record<string, unknown>,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const q = readReportParams(entityParams, raw, { path: { subject }, what: 'entity request' });
    await this.freshness.settle(res, q.minPosition, READ_MODELS.entities);
    const format = formatOf(q.format, accept);
    const body = await this.repository.find({ ...q, from: null, to: null });
    if (!body) throw problems.notFound(`No standing fact names ${subject}${q.knownAt ? ` as known at ${q.knownAt}` : ''}.`);
    if (format === 'csv') await this.conflicts.attach(body); // for TIMELINE_CSV's conflicts_with
    return respond(res, format, body, () => ({
      filename: subject.replace(':', '-'),
      rows: body.items,
      next: body.next,
      columns: TIMELINE_CSV,
    }));
  }
}
