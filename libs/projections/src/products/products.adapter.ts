import { FactProjection } from '../facts/fact.adapter';
import { productsModel } from './products.model';

export class ProductsProjection extends FactProjection {
  constructor(tableSuffix = '') {
    super('products', productsModel, 'products', tableSuffix);
  }
}
