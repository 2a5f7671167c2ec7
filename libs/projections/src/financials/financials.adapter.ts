import { FactProjection } from '../facts/fact.adapter';
import { financialsModel } from './financials.model';

export class FinancialsProjection extends FactProjection {
  constructor(tableSuffix = '') {
    super('financials', financialsModel, 'financial_points', tableSuffix);
  }
}
