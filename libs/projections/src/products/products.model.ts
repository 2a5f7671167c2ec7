import { textOf } from '@newsroom/domain';
import type { FactModel } from '../facts/fact-model.types';
import { localizedListColumn } from '../facts/localized-column.util';

/** Products announced or launched, one row per fact version. */
export const productsModel: FactModel<'product.announced'> = {
  types: ['product.announced'],
  columns: { organization: 'plain', name: 'plain', features: 'json', status: 'plain', features_i18n: 'json' },
  rows: (f) => [
    {
      part: '',
      columns: {
        organization: f.data.organization,
        name: f.data.name,
        features: (f.data.features ?? []).map(textOf),
        status: f.data.status,
        features_i18n: localizedListColumn(f.data.features),
      },
    },
  ],
};
