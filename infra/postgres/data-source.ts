import { DataSource, DataSourceOptions } from 'typeorm';
import { GroupAppend1764400000000 } from './migrations/1764400000000-group-append.migration';
import { LeadershipRuns1764500000000 } from './migrations/1764500000000-leadership-runs.migration';
import { LeadershipRunsTable1764500100000 } from './migrations/1764500100000-leadership-runs-table.migration';
import { AppendGroupFunction1764500200000 } from './migrations/1764500200000-append-group-function.migration';
import { EventStore1764201600000 } from './migrations/1764201600000-event-store.migration';
import { FeedItems1764201700000 } from './migrations/1764201700000-feed-items.migration';
import { ReadModels1764300000000 } from './migrations/1764300000000-read-models.migration';
import { ReportingViews1764300100000 } from './migrations/1764300100000-reporting-views.migration';
import { StoreIdentity1764600300000 } from './migrations/1764600300000-store-identity.migration';
import { DropEventTransactionId1764700500000 } from './migrations/1764700500000-drop-event-transaction-id.migration';
import { EntityLinks1764700600000 } from './migrations/1764700600000-entity-links.migration';
import { InferredColumns1764800000000 } from './migrations/1764800000000-inferred-columns.migration';
import { Corroboration1764800100000 } from './migrations/1764800100000-corroboration.migration';
import { Conflicts1764900000000 } from './migrations/1764900000000-conflicts.migration';
import { LocalizedText1764900100000 } from './migrations/1764900100000-localized-text.migration';
import { StreamStates1764900300000 } from './migrations/1764900300000-stream-states.migration';
import { EntityLinksView1764900200000 } from './migrations/1764900200000-entity-links-view.migration';
import { FactPayloadOnce1764900400000 } from './migrations/1764900400000-fact-payload-once.migration';
import { EntitiesLastSeen1764900500000 } from './migrations/1764900500000-entities-last-seen.migration';
import { LeadershipRunsOrder1764900600000 } from './migrations/1764900600000-leadership-runs-order.migration';
import { ProjectionBackfills1764900700000 } from './migrations/1764900700000-projection-backfills.migration';
import { SourceStances1764900800000 } from './migrations/1764900800000-source-stances.migration';
import { LeadershipIntervalOrder1764901000000 } from './migrations/1764901000000-leadership-interval-order.migration';
import { SourceLatestWord1764901100000 } from './migrations/1764901100000-source-latest-word.migration';
import { SourceStoryKeys1764901200000 } from './migrations/1764901200000-source-story-keys.migration';
import { LeadershipRunsAsOf1764901300000 } from './migrations/1764901300000-leadership-runs-as-of.migration';
import { FeedItemSubjects1764901400000 } from './migrations/1764901400000-feed-item-subjects.migration';
import { FeedItemFallbacks1764901500000 } from './migrations/1764901500000-feed-item-fallbacks.migration';
import { FeedOrgsIndex1764901600000 } from './migrations/1764901600000-feed-orgs-index.migration';
import { ReportingValidTime1764901700000 } from './migrations/1764901700000-reporting-valid-time.migration';
import { StoryFactsOnly1764902000000 } from './migrations/1764902000000-story-facts-only.migration';
import { UndatedSourceStories1764902100000 } from './migrations/1764902100000-undated-source-stories.migration';
import { LeadershipRumouredEnds1764902200000 } from './migrations/1764902200000-leadership-rumoured-ends.migration';
import { DepartureDenials1764902300000 } from './migrations/1764902300000-departure-denials.migration';
import { EntityNames1764902400000 } from './migrations/1764902400000-entity-names.migration';
import { LawsuitRumours1764902500000 } from './migrations/1764902500000-lawsuit-rumours.migration';
import { ReportingAgreesWithApi1764902600000 } from './migrations/1764902600000-reporting-agrees-with-api.migration';
import { LawsuitStepRumours1764902700000 } from './migrations/1764902700000-lawsuit-step-rumours.migration';
import { OtherNames1764902710000 } from './migrations/1764902710000-other-names.migration';
import { CaseStepsOverlappingDates1764902720000 } from './migrations/1764902720000-case-steps-overlapping-dates.migration';
import { ConflictStates1764902730000 } from './migrations/1764902730000-conflict-states.migration';
import { ConflictStateSides1764902740000 } from './migrations/1764902740000-conflict-state-sides.migration';
import { ReportingOtherNames1764902750000 } from './migrations/1764902750000-reporting-other-names.migration';
import { OutletLookAlikes1764902770000 } from './migrations/1764902770000-outlet-look-alikes.migration';
import { GreekNamesCase1764902790000 } from './migrations/1764902790000-greek-names-case.migration';
import { ConflictsClosedByAppointment1764902800000 } from './migrations/1764902800000-conflicts-closed-by-appointment.migration';
import { LeadershipRumouredStarts1764902810000 } from './migrations/1764902810000-leadership-rumoured-starts.migration';
import { ComposedTextKeys1764902820000 } from './migrations/1764902820000-composed-text-keys.migration';
import { ConflictWords1764902830000 } from './migrations/1764902830000-conflict-words.migration';
import { CorrectionsPerLanguage1764902850000 } from './migrations/1764902850000-corrections-per-language.migration';

/** Every migration, in order. A landed migration is never rewritten: add a new one. */
export const MIGRATIONS = [
  EventStore1764201600000,
  FeedItems1764201700000,
  ReadModels1764300000000,
  ReportingViews1764300100000,
  GroupAppend1764400000000,
  LeadershipRuns1764500000000,
  LeadershipRunsTable1764500100000,
  AppendGroupFunction1764500200000,
  StoreIdentity1764600300000,
  DropEventTransactionId1764700500000,
  EntityLinks1764700600000,
  InferredColumns1764800000000,
  Corroboration1764800100000,
  Conflicts1764900000000,
  LocalizedText1764900100000,
  EntityLinksView1764900200000,
  StreamStates1764900300000,
  FactPayloadOnce1764900400000,
  EntitiesLastSeen1764900500000,
  LeadershipRunsOrder1764900600000,
  ProjectionBackfills1764900700000,
  SourceStances1764900800000,
  LeadershipIntervalOrder1764901000000,
  SourceLatestWord1764901100000,
  SourceStoryKeys1764901200000,
  LeadershipRunsAsOf1764901300000,
  FeedItemSubjects1764901400000,
  FeedItemFallbacks1764901500000,
  FeedOrgsIndex1764901600000,
  ReportingValidTime1764901700000,
  StoryFactsOnly1764902000000,
  UndatedSourceStories1764902100000,
  LeadershipRumouredEnds1764902200000,
  DepartureDenials1764902300000,
  EntityNames1764902400000,
  LawsuitRumours1764902500000,
  ReportingAgreesWithApi1764902600000,
  LawsuitStepRumours1764902700000,
  OtherNames1764902710000,
  CaseStepsOverlappingDates1764902720000,
  ConflictStates1764902730000,
  ConflictStateSides1764902740000,
  ReportingOtherNames1764902750000,
  OutletLookAlikes1764902770000,
  GreekNamesCase1764902790000,
  ConflictsClosedByAppointment1764902800000,
  LeadershipRumouredStarts1764902810000,
  ComposedTextKeys1764902820000,
  ConflictWords1764902830000,
  CorrectionsPerLanguage1764902850000,
];

export function dataSourceOptions(url: string, extra: Partial<DataSourceOptions> = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    logging: false,
    ...extra,
  } as DataSourceOptions;
}

/** For the TypeORM CLI: `npx typeorm -d dist/infra/postgres/data-source.js migration:show`. */
export default new DataSource(dataSourceOptions(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/newsroom'));
