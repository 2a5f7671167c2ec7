import { FactProjection } from '../facts/fact.projection';
import { evolveFact } from '../facts/fact.evolve';
import type { FactState } from '../facts/fact-version';
import type { ProjectedEvent } from '../projected-event';
import { regulatoryModel } from './regulatory.model';

export const evolveRegulatory = (state: FactState | null, event: ProjectedEvent) => evolveFact(regulatoryModel, state, event);

export class RegulatoryProjection extends FactProjection {
  constructor(tableSuffix = '') {
    super('regulatory', regulatoryModel, 'regulatory_interventions', tableSuffix);
  }
}
