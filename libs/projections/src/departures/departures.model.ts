import type { FactModel } from '../facts/fact-model.types';
import { localizedColumn, plainTextColumn } from '../facts/localized-column.util';

/** Departures, one row per fact version, grouped by period or role category at query time. */
export const departuresModel: FactModel<'executive.departed'> = {
  types: ['executive.departed'],
  columns: {
    organization: 'plain',
    role: 'plain',
    role_category: 'plain',
    reason: 'plain',
    destination: 'plain',
    role_i18n: 'json',
    destination_i18n: 'json',
  },
  rows: (f) => [
    {
      part: '',
      columns: {
        organization: f.data.organization,
        role: plainTextColumn(f.data.role),
        role_category: f.data.roleCategory ?? 'other',
        reason: f.data.reason ?? null,
        destination: plainTextColumn(f.data.destination),
        role_i18n: localizedColumn(f.data.role),
        destination_i18n: localizedColumn(f.data.destination),
      },
    },
  ],
};
