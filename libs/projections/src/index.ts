export * from './projected-event';
export * from './projection';
export * from './feed/feed-item';
export { evolveFeed, organizationsOf } from './feed/feed.projection';
export { FeedItemsProjection } from './feed/feed-items.adapter';
export { FEED_ITEM_COLUMNS, toFeedItemRow } from './feed/feed-item.mapper';
export { advanceFeedWatermark, FEED_CHANNEL } from './feed/feed-watermark';
export { ProjectionRunner } from './projection-runner';
export type { ProjectionRunnerOptions } from './projection-runner';
