import { INestApplication } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { ProblemFilter } from '@newsroom/platform';
import { READ_DB } from '../../src/database/read-database.module';
import { EntitiesController } from '../../src/entities/entities.controller';
import { EntitiesRepository } from '../../src/entities/entities.repository';
import { mapQueryError } from '../../src/query-errors.mapper';
import { ConflictsController } from '../../src/reports/conflicts/conflicts.controller';
import { ConflictsRepository } from '../../src/reports/conflicts/conflicts.repository';
import { DeparturesController } from '../../src/reports/departures/departures.controller';
import { DeparturesRepository } from '../../src/reports/departures/departures.repository';
import { FinancialsController } from '../../src/reports/financials/financials.controller';
import { FinancialsRepository } from '../../src/reports/financials/financials.repository';
import { LawsuitsController } from '../../src/reports/lawsuits/lawsuits.controller';
import { LawsuitsRepository } from '../../src/reports/lawsuits/lawsuits.repository';
import { LeadershipController } from '../../src/reports/leadership/leadership.controller';
import { LeadershipRepository } from '../../src/reports/leadership/leadership.repository';
import { ConflictsWithInterceptor } from '../../src/reports/shared/conflicts-with.interceptor';
import { ConflictsWithRepository } from '../../src/reports/shared/conflicts-with.repository';
import { EntityLinksRepository } from '../../src/reports/shared/entity-links.repository';
import { EntityNamesRepository } from '../../src/reports/shared/entity-names.repository';
import { ReadModelFreshness } from '../../src/reports/shared/read-model-freshness.service';
import { TimelineController } from '../../src/reports/timeline/timeline.controller';
import { TimelineRepository } from '../../src/reports/timeline/timeline.repository';
import { SourcesController } from '../../src/sources/sources.controller';
import { SourcesRepository } from '../../src/sources/sources.repository';

/**
 * Every report endpoint of the query service over the read models in `ds`, as the app serves them (the problem filter,
 * `conflictsWith` on every fact), listening on a free port of 127.0.0.1; read models are taken as fresh (no wait).
 */
export async function startReportsApp(ds: DataSource): Promise<{ app: INestApplication; base: string }> {
  const moduleRef = await Test.createTestingModule({
    controllers: [
      DeparturesController,
      LeadershipController,
      FinancialsController,
      LawsuitsController,
      TimelineController,
      ConflictsController,
      SourcesController,
      EntitiesController,
    ],
    providers: [
      DeparturesRepository,
      LeadershipRepository,
      FinancialsRepository,
      LawsuitsRepository,
      TimelineRepository,
      ConflictsRepository,
      SourcesRepository,
      EntitiesRepository,
      EntityLinksRepository,
      EntityNamesRepository,
      ConflictsWithRepository,
      { provide: READ_DB, useValue: ds },
      { provide: ReadModelFreshness, useValue: { settle: async () => undefined } },
      { provide: APP_INTERCEPTOR, useClass: ConflictsWithInterceptor },
      { provide: APP_FILTER, useValue: new ProblemFilter(mapQueryError) },
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  return { app, base: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

/**
 * A reader of the reports app at `base()` (read when called: the app starts in beforeAll): `get` answers the response,
 * `json` the body of a 200, failing with the path when the answer is another status.
 */
export function reportsReader(base: () => string) {
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base()}${path}`, { headers });
  const json = async <T>(path: string) => {
    const res = await get(path);
    expect({ path, status: res.status }).toEqual({ path, status: 200 });
    return (await res.json()) as T;
  };
  return { get, json };
}
