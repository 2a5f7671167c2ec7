import { FactProjection } from '../facts/fact.adapter';
import { lawsuitsModel } from './lawsuits.model';

export class LawsuitsProjection extends FactProjection {
  constructor(tableSuffix = '') {
    super('lawsuits', lawsuitsModel, 'lawsuit_events', tableSuffix);
  }
}
