import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { EntitiesModule } from '../entities/entities.module';
import { SourcesModule } from '../sources/sources.module';
import { ConflictsController } from './conflicts/conflicts.controller';
import { ConflictsRepository } from './conflicts/conflicts.repository';
import { DeparturesController } from './departures/departures.controller';
import { DeparturesRepository } from './departures/departures.repository';
import { FinancialsController } from './financials/financials.controller';
import { FinancialsRepository } from './financials/financials.repository';
import { LawsuitsController } from './lawsuits/lawsuits.controller';
import { LawsuitsRepository } from './lawsuits/lawsuits.repository';
import { LeadershipController } from './leadership/leadership.controller';
import { LeadershipRepository } from './leadership/leadership.repository';
import { TimelineController } from './timeline/timeline.controller';
import { TimelineRepository } from './timeline/timeline.repository';
import { EntityLinksRepository } from './shared/entity-links.repository';
import { EntityNamesRepository } from './shared/entity-names.repository';
import { ConflictsWithInterceptor } from './shared/conflicts-with.interceptor';
import { ConflictsWithRepository } from './shared/conflicts-with.repository';

/**
 * The analysts' read side besides the feed: reports, entities and sources, as JSON or CSV, with valid-time (asOf)
 * and transaction-time (knownAt) travel.
 */
@Module({
  imports: [EntitiesModule, SourcesModule],
  controllers: [LeadershipController, DeparturesController, LawsuitsController, FinancialsController, TimelineController, ConflictsController],
  providers: [LeadershipRepository, DeparturesRepository, LawsuitsRepository, FinancialsRepository, TimelineRepository, EntityLinksRepository, EntityNamesRepository, ConflictsRepository, ConflictsWithRepository, { provide: APP_INTERCEPTOR, useClass: ConflictsWithInterceptor }],
})
export class ReportsModule {}
