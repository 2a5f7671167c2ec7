import { FactProjection } from '../facts/fact.projection';
import { evolveFact } from '../facts/fact.evolve';
import type { FactState } from '../facts/fact-version';
import type { ProjectedEvent } from '../projected-event';
import { departuresModel } from './departures.model';

export const evolveDepartures = (state: FactState | null, event: ProjectedEvent) => evolveFact(departuresModel, state, event);

export class DeparturesProjection extends FactProjection {
  constructor(tableSuffix = '') {
    super('departures', departuresModel, 'departures', tableSuffix);
  }
}
