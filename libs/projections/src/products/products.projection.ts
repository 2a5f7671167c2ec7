import { FactProjection } from '../facts/fact.projection';
import { evolveFact } from '../facts/fact.evolve';
import type { FactState } from '../facts/fact-version';
import type { ProjectedEvent } from '../projected-event';
import { productsModel } from './products.model';

export const evolveProducts = (state: FactState | null, event: ProjectedEvent) => evolveFact(productsModel, state, event);

export class ProductsProjection extends FactProjection {
  constructor(tableSuffix = '') {
    super('products', productsModel, 'products', tableSuffix);
  }
}
