import { Module } from '@nestjs/common';
import { ConflictsWithRepository } from '../reports/shared/conflicts-with.repository';
import { EntityLinksRepository } from '../reports/shared/entity-links.repository';
import { EntityNamesRepository } from '../reports/shared/entity-names.repository';
import { TimelineRepository } from '../reports/timeline/timeline.repository';
import { EntitiesController } from './entities.controller';
import { EntitiesRepository } from './entities.repository';

// An entity page lists the facts that name it: the timeline's query, so its repository too.
@Module({
  controllers: [EntitiesController],
  providers: [EntitiesRepository, TimelineRepository, EntityLinksRepository, EntityNamesRepository, ConflictsWithRepository],
})
export class EntitiesModule {}
