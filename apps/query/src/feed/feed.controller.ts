import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { clientIp, openApiSchema, ProblemError } from '@newsroom/platform';
import { FeedConnections } from './feed-connections.service';
import { FeedHub } from './feed-hub.service';
import { FeedSseStreams } from './feed-sse-streams.service';
import { ApiParams, ApiProblemBadRequest, ApiReadProblems, readHeaders } from '../docs/zod-openapi.decorator';
import { feedQueryParams, parseFeedQuery, parseStreamQuery } from './feed-query.reader';
import { FEED_HISTORY_PARAMS, FEED_STREAM_PARAMS, feedPageSchema, feedStreamParams } from './feed.schema';
import { toFeedItemDto } from './feed-item.dto';
import { ApiWebSocketUpgrade } from '../docs/api-websocket.decorator';
import { Localised } from '../lang/content-language.interceptor';

@ApiTags('feed')
@Controller('v1/feed')
export class FeedController {
  constructor(
    private readonly hub: FeedHub,
    private readonly connections: FeedConnections,
    private readonly streams: FeedSseStreams,
  ) {}

  @Get()
  @Localised()
  @ApiOperation({ summary: 'Feed history by position: {items, next}; pass next as `after` to read on.' })
  @ApiParams(feedQueryParams)
  @ApiOkResponse({
    description: 'A page of items in position order.',
    content: { 'application/json': { schema: openApiSchema(feedPageSchema, 'output') } },
    headers: readHeaders(),
  })
  @ApiProblemBadRequest('A parameter is not valid; `errors` names each one.')
  @ApiReadProblems({ unavailable: ['READ_DB.UNAVAILABLE', 'READ_DB.TIMEOUT'], notModified: true })
  async history(@Query() raw: Record<string, unknown>) {
    const q = parseFeedQuery(raw, FEED_HISTORY_PARAMS);
    const { items, watermark } = await this.hub.repository.page(await this.hub.scope(q), q.after, q.limit);
    // A short page means everything up to the watermark (of the same snapshot) was considered: resume from there.
    const last = items.length ? items[items.length - 1].position : q.after;
    const next = items.length < q.limit && BigInt(watermark) > BigInt(last) ? watermark : last;
    return { items: items.map((i) => toFeedItemDto(i, q.lang)), next };
  }

  /**
   * `/v1/feed/ws` is the WebSocket endpoint (FeedWsGateway takes its upgrades): a plain request there, without the
   * `Connection: Upgrade` that makes Node hand it over as an upgrade, is told to upgrade (426, RFC 9110) rather than
   * that no route exists; other methods get 405 with Allow: GET.
   */
  @Get('ws')
  @ApiWebSocketUpgrade()
  upgradeRequired(): never {
    throw new ProblemError(
      426,
      'REQUEST.UPGRADE_REQUIRED',
      'Upgrade required',
      'This is the live feed over WebSocket: open it with a WebSocket client (Connection: Upgrade, Upgrade: websocket). The same feed over plain HTTP is /v1/feed/stream (Server-Sent Events).',
      [{ path: 'Upgrade', message: 'must be websocket, with Connection: Upgrade' }],
      {},
      { Upgrade: 'websocket' },
    );
  }

  @Get('stream')
  @Localised()
  @ApiOperation({
    summary: 'Server-Sent Events: history then live, no gap, no duplicate; `id` is the global position.',
    description:
      'Resume with the Last-Event-ID header (EventSource sends it on reconnect; it wins over `after`) or `after`. ' +
      'Comment lines are heartbeats; `retry:` is the reconnect hint; an `event: close` frame ({code, message}) ' +
      'precedes a server-side disconnect (FEED.SLOW_CONSUMER, FEED.STALLED, FEED.SHUTTING_DOWN...). ' +
      'With `status=true` the first frame is an `event: status` ({delayed, since, reason?}), sent again on each change: `delayed: true` ' +
      'while an event recorded FEED_DELAYED_AFTER_MS (5 s) ago or more is not in the feed yet (the broker down, the ' +
      'relay or the projector behind; `since` is when the oldest waiting event was recorded), `delayed: false` once ' +
      'it has caught up (`since`: when). Delayed items still arrive once, in order. ' +
      'When reads need a key, EventSource (which cannot send headers) may pass it as `?key=`. ' +
      'The same feed is served over WebSocket at /v1/feed/ws (see the README).',
  })
  @ApiOkResponse({
    description: 'An endless text/event-stream: history, then live items.',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
    headers: readHeaders(false),
  })
  @ApiParams(feedStreamParams)
  @ApiProblemBadRequest('A parameter is not valid; `errors` names each one.')
  // A stream that cannot go on (the read database lost, the instance shutting down) ends with an `event: close`
  // frame in the 200, not a 503; a 503 is the answer while the service starts (to a request that does not accept
  // text/event-stream: an EventSource gets the close frame then too).
  @ApiReadProblems({ unavailable: [], tooMany: ['FEED.TOO_MANY_CONNECTIONS'] })
  @ApiHeader({ name: 'Last-Event-ID', required: false })
  stream(@Query() raw: Record<string, unknown>, @Headers('last-event-id') lastEventId: string | undefined, @Res() res: Response): void {
    // Accepted streams are served before Express (feed-sse.gateway.ts); what arrives here is refused on the way
    // (key, rate limit, parameters, cap), or a request that route hands on (HEAD, one with a body).
    // A reconnecting EventSource repeats its URL (with the old `after`) and sends the newest position it saw.
    const q = parseStreamQuery(raw, lastEventId, FEED_STREAM_PARAMS);
    const ip = clientIp(res.req);
    // Express routes HEAD here too: the same checks and head a GET would get, and no subscription (a monitor's
    // HEAD must not hold a slot, read history or wait for a tick that writes into a bodiless response).
    if (res.req.method === 'HEAD') {
      if (this.connections.atCap(ip)) throw this.connections.tooMany();
      res
        .status(200)
        .set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', 'Content-Language': q.lang });
      return void res.end();
    }
    if (!this.streams.open(res, q, ip)) throw this.connections.tooMany();
  }
}
