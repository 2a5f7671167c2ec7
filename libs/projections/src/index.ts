export * from './projected-event.mapper';
export * from './projection.types';
export * from './feed/feed-item.types';
export { correctionsReach, evolveFeed, organizationsOf, subjectsOf } from './feed/feed.projection';
export { FeedItemsProjection } from './feed/feed-items.adapter';
export * from './corroboration/corroboration-entry.model';
export { FEED_ITEM_COLUMNS, toFeedItemRow, type FeedItemDbRow } from './feed/feed-item.mapper';
export { advanceFeedWatermark, FEED_CHANNEL } from './feed/feed-watermark.repository';
export { ProjectionRunner, type ForgedReason } from './projection-runner.service';
export { readModelsBackfilling, readModelsIncomplete, readModelsWithoutHistory } from './projection-checkpoints.repository';
export { partitionOfKey } from './topic-gap.util';
export type { ProjectionRunnerOptions } from './projection-runner.service';

// Bitemporal fact versions shared by the read models.
export * from './facts/fact-version.types';
export type { FactModel, ColumnKind } from './facts/fact-model.types';
export { evolveFact, validInterval, concerns } from './facts/fact.projection';
export { FactProjection, type AppliedChanges } from './facts/fact.adapter';
export { planFactBatch, amendmentTargets, type FactBatchPlan } from './facts/fact-batch.util';
export { factHeadlines } from './facts/fact-headlines.mapper';
export { sourceIdOf, mergeSources } from './facts/source-id.util';
export { normalizeRow } from './facts/stored-row.mapper';
export { withLeadRowPayload } from './facts/lead-row-join.util';
export { isVisible, occurredBy, factStatusOf, changesState } from './facts/visibility.util';

// Read models: each a pure evolve plus its adapter, and the pure report logic over their rows.
export { leadershipModel, roleKeyOf } from './leadership/leadership.model';
export { LeadershipProjection } from './leadership/leadership.adapter';
export { modalityStrength, RUN_COLUMNS, runEndsSql, tenuresPageSql, type TenuresView } from './leadership/leadership-runs.util';
export {
  tenuresOf,
  tenureOfRow,
  type TenureRow,
  rosterAt,
  tenureKey,
  compareTenureKeys,
  type LeadershipRow,
  type Tenure,
  type TenureBound,
  type ModalitySource,
  type PairingOptions,
} from './leadership/tenures.report';
export { departuresModel } from './departures/departures.model';
export { DeparturesProjection } from './departures/departures.adapter';
export {
  groupDepartures,
  departureClaimOf,
  departureRoleKey,
  bucketOf,
  DEPARTURE_GROUPINGS,
  type DepartureGrouping,
  type DepartureRow,
  type DepartureGroup,
} from './departures/departure-groups.report';
export { lawsuitsModel } from './lawsuits/lawsuits.model';
export { LawsuitsProjection } from './lawsuits/lawsuits.adapter';
export {
  caseStepsInOrder,
  summarizeCase,
  type AttachedWords,
  type LawsuitRow,
  type CaseSummary,
  type CaseStep,
} from './lawsuits/case-summary.report';
export { financialsModel, FINANCIAL_BASES, FINANCIAL_METRICS, type FinancialMetric } from './financials/financials.model';
export { FinancialsProjection } from './financials/financials.adapter';
export { productsModel } from './products/products.model';
export { ProductsProjection } from './products/products.adapter';
export { regulatoryModel } from './regulatory/regulatory.model';
export { RegulatoryProjection } from './regulatory/regulatory.adapter';
export { mentionsOf, type Mention } from './timeline/mentions.mapper';
export { evolveEntityLinks, type EntityLinkChange } from './entities/entity-links.projection';
export { EntityLinksProjection } from './entities/entity-links.adapter';
export { distinctNames, EntityGraph, type EntityLinkRow } from './entities/entity-graph.report';
export { timelineModel, headlinesOf } from './timeline/timeline.model';
export { TimelineProjection } from './timeline/timeline.adapter';
export { sourcesModel, sourceRecordsOf, stanceOfPart, type SourceRecord } from './sources/sources.model';
export { SourcesProjection } from './sources/sources.adapter';
export { evolveEntities, type EntitySighting } from './entities/entities.projection';
export { EntitiesProjection } from './entities/entities.adapter';
export { evolveEntityNames, foldNameChange, standingNamesOf, type NameChange, type NameVersion } from './entities/entity-names.projection';
export {
  evolveConflicts,
  emptyConflictSet,
  addFact as addConflictFact,
  addAppointment as addConflictAppointment,
} from './conflicts/conflicts.projection';
export { conflictIdOf, toConflictRow } from './conflicts/conflicts.adapter';
export type { ConflictSide, ConflictFactRow } from './conflicts/conflict-row.types';

export { PROJECTION_FACTORIES, PROJECTION_NAMES, createProjections } from './projection.registry';
export {
  ProjectionRebuilder,
  RebuildRunningError,
  SWAP_GAP,
  type RebuildOptions,
  type RebuildProgress,
  type RebuildResult,
} from './rebuild/projection-rebuilder.service';
export { SHADOW_SUFFIX } from './rebuild/shadow-tables.repository';
