import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import { QUERY_CONFIG, QueryConfig } from '../../config/query.config';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiParams, ApiProblemBadRequest, ApiReadProblems, readHeaders } from '../../docs/zod-openapi.decorator';
import { parseFeedQuery } from '../feed-query.reader';
import { buildAtomFeed } from './atom-feed.builder';
import { FeedHub } from '../feed-hub.service';
import { AtomFeedRepository } from './atom-feed.repository';
import { ATOM_PARAMS, atomFeedParams } from './atom-feed.schema';
import { toXml } from './xml.writer';
import { Localised } from '../../lang/content-language.interceptor';

@ApiTags('feed')
@Controller('v1')
export class AtomFeedController {
  constructor(
    private readonly repository: AtomFeedRepository,
    private readonly hub: FeedHub,
    @Inject(QUERY_CONFIG) private readonly config: QueryConfig,
  ) {}

  @Get('feed.atom')
  @Localised()
  @ApiOperation({
    summary: 'The timeline as an Atom feed (RFC 4287), newest events first, for feed readers.',
    description:
      'Same filters and `lang` as GET /v1/feed. One entry per event (`id` urn:uuid:<eventId>); a correction changes ' +
      "the entry's `updated`, title and content to the current value, a retraction marks it retracted.",
  })
  @ApiProduces('application/atom+xml')
  @ApiParams(atomFeedParams)
  @ApiOkResponse({
    description: 'An Atom feed document.',
    content: { 'application/atom+xml': { schema: { type: 'string' } } },
    headers: readHeaders(),
  })
  @ApiProblemBadRequest('A parameter is not valid; `errors` names each one.')
  @ApiReadProblems({ unavailable: ['READ_DB.UNAVAILABLE', 'READ_DB.TIMEOUT'], notModified: true })
  async feed(@Query() raw: Record<string, unknown>, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<string> {
    // The feed's parsing and its 400s, for the Atom feed's own parameters (no `after`: it lists the newest events).
    const q = parseFeedQuery(raw, ATOM_PARAMS);
    const source = await this.repository.newest(await this.hub.scope(q), q.limit);
    // Links from the configured public origin; without one, from the request's Host (see NEWSROOM_PUBLIC_URL).
    const baseUrl = this.config.NEWSROOM_PUBLIC_URL ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
    const xml = toXml(buildAtomFeed(source, { selfUrl: baseUrl + req.originalUrl, baseUrl, lang: q.lang, filter: q }));
    res.setHeader('Content-Type', 'application/atom+xml; charset=utf-8');
    res.vary('Accept');
    return xml;
  }
}
