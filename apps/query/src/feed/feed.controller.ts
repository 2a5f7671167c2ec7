import { Controller, Get, Headers, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { FeedHub } from './feed-hub.service';
import { parseFeedQuery } from './feed-query';
import { toFeedItemDto } from './feed-item.dto';
import { SseSink } from './sse.sink';
import { Inject } from '@nestjs/common';
import { QUERY_CONFIG, QueryConfig } from '../config/query.config';

@ApiTags('feed')
@Controller('v1/feed')
export class FeedController {
  constructor(
    private readonly hub: FeedHub,
    @Inject(QUERY_CONFIG) private readonly config: QueryConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Feed history by position: {items, next}; pass next as `after` to read on.' })
  @ApiQuery({ name: 'after', required: false }) @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'types', required: false }) @ApiQuery({ name: 'subjects', required: false })
  @ApiQuery({ name: 'organization', required: false }) @ApiQuery({ name: 'lang', required: false, enum: ['en', 'fr'] })
  async history(@Query() raw: Record<string, unknown>) {
    const q = parseFeedQuery(raw);
    const { items, watermark } = await this.hub.repository.page(q, q.after, q.limit);
    // A short page means everything up to the watermark was considered: the client can resume from there.
    const last = items.length ? items[items.length - 1].position : q.after;
    const next = items.length < q.limit && BigInt(watermark) > BigInt(last) ? watermark : last;
    return { items: items.map((i) => toFeedItemDto(i, q.lang)), next };
  }

  @Get('stream')
  @ApiOperation({ summary: 'Server-Sent Events: history then live; `id` is the global position; resume with Last-Event-ID or after.' })
  async stream(@Query() raw: Record<string, unknown>, @Headers('last-event-id') lastEventId: string | undefined, @Req() req: Request, @Res() res: Response) {
    // `after` wins over Last-Event-ID only when the browser did not send one (a reconnect carries the newest).
    const q = parseFeedQuery({ ...raw, after: lastEventId ?? raw.after }, undefined);
    const sink = new SseSink(res, q.lang, this.config.FEED_RETRY_MS);
    const subscriptionReady = this.hub.subscribe(q, q.after, sink, 'sse');
    // The response's close event (not the request's) tells us the client is gone (dust-tt/dust PR 24357).
    res.on('close', () => {
      sink.markClosed();
      void subscriptionReady.then((s) => s && this.hub.unsubscribe(s, 'sse'));
    });
    void req;
    await subscriptionReady;
  }
}
