import { Module } from '@nestjs/common';
import { ConflictsWithRepository } from '../reports/shared/conflicts-with.repository';
import { EntityNamesRepository } from '../reports/shared/entity-names.repository';
import { SourcesController } from './sources.controller';
import { SourcesRepository } from './sources.repository';

@Module({ controllers: [SourcesController], providers: [SourcesRepository, EntityNamesRepository, ConflictsWithRepository] })
export class SourcesModule {}
