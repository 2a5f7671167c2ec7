import { FactProjection } from '../facts/fact.adapter';
import { regulatoryModel } from './regulatory.model';

export class RegulatoryProjection extends FactProjection {
  constructor(tableSuffix = '') {
    super('regulatory', regulatoryModel, 'regulatory_interventions', tableSuffix);
  }
}
