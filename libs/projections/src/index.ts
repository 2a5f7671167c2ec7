export * from './projected-event';
export * from './projection';
export * from './feed/feed-item';
export { evolveFeed, organizationsOf } from './feed/feed.projection';
export { FeedItemsProjection } from './feed/feed-items.adapter';
export * from './corroboration/corroboration-entry.model';
export { FEED_ITEM_COLUMNS, toFeedItemRow, type FeedItemDbRow } from './feed/feed-item.mapper';
export { advanceFeedWatermark, FEED_CHANNEL } from './feed/feed-watermark';
export { ProjectionRunner, STORE_ID_HEADER, type ForgedReason } from './projection-runner';
export { partitionOfKey } from './topic-gap';
export type { ProjectionRunnerOptions } from './projection-runner';

// Bitemporal fact versions shared by the read models.
export * from './facts/fact-version';
export type { FactModel, ColumnKind } from './facts/fact-model';
export { evolveFact, validInterval, concerns } from './facts/fact.evolve';
export { FactProjection, type AppliedChanges } from './facts/fact.projection';
export { planFactBatch, amendmentTargets, type FactBatchPlan } from './facts/fact-batch';
export { factHeadlines } from './facts/fact-headlines';
export { sourceIdOf, mergeSources } from './facts/source-id';
export { normalizeRow } from './facts/stored-row.normalize';
export { isVisible, occurredBy, factStatusOf, changesState } from './facts/visibility';

// Read models: each a pure evolve plus its adapter, and the pure report logic over their rows.
export { leadershipModel, roleKeyOf } from './leadership/leadership.model';
export { evolveLeadership, LeadershipProjection } from './leadership/leadership.projection';
export { RUN_COLUMNS, runEndsSql } from './leadership/leadership-runs';
export { tenuresOf, rosterAt, tenureKey, compareTenureKeys, type LeadershipRow, type Tenure, type TenureBound } from './leadership/tenures';
export { departuresModel } from './departures/departures.model';
export { evolveDepartures, DeparturesProjection } from './departures/departures.projection';
export { groupDepartures, bucketOf, DEPARTURE_GROUPINGS, type DepartureGrouping, type DepartureRow, type DepartureGroup } from './departures/departure-groups';
export { lawsuitsModel } from './lawsuits/lawsuits.model';
export { evolveLawsuits, LawsuitsProjection } from './lawsuits/lawsuits.projection';
export { summarizeCase, type LawsuitRow, type CaseSummary, type CaseStep } from './lawsuits/case-summary';
export { financialsModel, FINANCIAL_METRICS, type FinancialMetric } from './financials/financials.model';
export { evolveFinancials, FinancialsProjection } from './financials/financials.projection';
export { productsModel } from './products/products.model';
export { evolveProducts, ProductsProjection } from './products/products.projection';
export { regulatoryModel } from './regulatory/regulatory.model';
export { evolveRegulatory, RegulatoryProjection } from './regulatory/regulatory.projection';
export { mentionsOf, type Mention } from './timeline/mentions';
export { timelineModel, headlinesOf } from './timeline/timeline.model';
export { evolveTimeline, TimelineProjection } from './timeline/timeline.projection';
export { sourcesModel, sourceRecordsOf, type SourceRecord } from './sources/sources.model';
export { evolveSources, SourcesProjection } from './sources/sources.projection';
export { evolveEntities, type EntitySighting } from './entities/entities.evolve';
export { EntitiesProjection } from './entities/entities.projection';

export { PROJECTION_FACTORIES, PROJECTION_NAMES, createProjections } from './projection.registry';
export { ProjectionRebuilder, type RebuildOptions, type RebuildProgress, type RebuildResult } from './rebuild/projection-rebuilder';
export { SHADOW_SUFFIX } from './rebuild/shadow-tables';
