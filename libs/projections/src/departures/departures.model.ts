import type { FactModel } from '../facts/fact-model.types';

/** Departures, one row per fact version, grouped by period or role category at query time. */
export const departuresModel: FactModel<'executive.departed'> = {
  types: ['executive.departed'],
  columns: { organization: 'plain', role: 'plain', role_category: 'plain', reason: 'plain', destination: 'plain' },
  rows: (f) => [
    {
      part: '',
      columns: {
        organization: f.data.organization,
        role: f.data.role,
        role_category: f.data.roleCategory ?? 'other',
        reason: f.data.reason ?? null,
        destination: f.data.destination ?? null,
      },
    },
  ],
};
