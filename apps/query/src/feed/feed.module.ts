import { Global, Module } from '@nestjs/common';
import { AtomFeedController } from './atom/atom-feed.controller';
import { AtomFeedRepository } from './atom/atom-feed.repository';
import { FeedConnections } from './feed-connections.service';
import { FeedController } from './feed.controller';
import { FeedHub } from './feed-hub.service';
import { FeedRepository } from './feed.repository';
import { FeedWsGateway } from './feed-ws.gateway';
import { FeedSseGateway } from './feed-sse.gateway';
import { FeedSseStreams } from './feed-sse-streams.service';
import { FeedStatus } from './feed-status.service';
import { EntityLinksRepository } from '../reports/shared/entity-links.repository';
import { EntityNamesRepository } from '../reports/shared/entity-names.repository';
import { ReadModelFreshness } from '../reports/shared/read-model-freshness.service';

// Global: readiness (in the health module) reports the feed tail; every report says how fresh it is from it.
@Global()
@Module({
  controllers: [FeedController, AtomFeedController],
  providers: [
    FeedRepository,
    AtomFeedRepository,
    FeedHub,
    FeedSseStreams,
    FeedStatus,
    FeedSseGateway,
    FeedWsGateway,
    FeedConnections,
    EntityLinksRepository,
    EntityNamesRepository,
    ReadModelFreshness,
  ],
  exports: [FeedHub, ReadModelFreshness],
})
export class FeedModule {}
