import { FactProjection } from '../facts/fact.projection';
import { evolveFact } from '../facts/fact.evolve';
import type { FactState } from '../facts/fact-version';
import type { ProjectedEvent } from '../projected-event';
import { lawsuitsModel } from './lawsuits.model';

export const evolveLawsuits = (state: FactState | null, event: ProjectedEvent) => evolveFact(lawsuitsModel, state, event);

export class LawsuitsProjection extends FactProjection {
  constructor(tableSuffix = '') {
    super('lawsuits', lawsuitsModel, 'lawsuit_events', tableSuffix);
  }
}
