import { FactProjection } from '../facts/fact.projection';
import { evolveFact } from '../facts/fact.evolve';
import type { FactState } from '../facts/fact-version';
import type { ProjectedEvent } from '../projected-event';
import { financialsModel } from './financials.model';

export const evolveFinancials = (state: FactState | null, event: ProjectedEvent) => evolveFact(financialsModel, state, event);

export class FinancialsProjection extends FactProjection {
  constructor(tableSuffix = '') {
    super('financials', financialsModel, 'financial_points', tableSuffix);
  }
}
