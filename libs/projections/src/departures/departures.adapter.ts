import { FactProjection } from '../facts/fact.adapter';
import { departuresModel } from './departures.model';

export class DeparturesProjection extends FactProjection {
  constructor(tableSuffix = '') {
    super('departures', departuresModel, 'departures', tableSuffix);
  }
}
