import { Module } from '@nestjs/common';
import { EntitiesModule } from '../entities/entities.module';
import { SourcesModule } from '../sources/sources.module';
import { DeparturesController } from './departures/departures.controller';
import { FinancialsController } from './financials/financials.controller';
import { LawsuitsController } from './lawsuits/lawsuits.controller';
import { LeadershipController } from './leadership/leadership.controller';
import { TimelineController } from './timeline/timeline.controller';

/**
 * The analysts' read side besides the feed: reports, entities and sources, as JSON or CSV, with valid-time (asOf)
 * and transaction-time (knownAt) travel.
 */
@Module({
  imports: [EntitiesModule, SourcesModule],
  controllers: [LeadershipController, DeparturesController, LawsuitsController, FinancialsController, TimelineController],
})
export class ReportsModule {}
