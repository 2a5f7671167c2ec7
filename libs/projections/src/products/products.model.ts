import type { FactModel } from '../facts/fact-model.types';

/** Products announced or launched, one row per fact version. */
export const productsModel: FactModel<'product.announced'> = {
  types: ['product.announced'],
  columns: { organization: 'plain', name: 'plain', features: 'json', status: 'plain' },
  rows: (f) => [
    { part: '', columns: { organization: f.data.organization, name: f.data.name, features: f.data.features ?? [], status: f.data.status } },
  ],
};
