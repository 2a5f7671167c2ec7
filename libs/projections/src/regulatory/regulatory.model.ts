import type { FactModel } from '../facts/fact-model.types';
import { localizedColumn, plainTextColumn } from '../facts/localized-column.util';

/** Requests that an authority act against an organization (the subject is the target). */
export const regulatoryModel: FactModel<'regulatory.intervention_requested'> = {
  types: ['regulatory.intervention_requested'],
  columns: { target: 'plain', requested_by: 'plain', authority: 'plain', request: 'plain', request_i18n: 'json' },
  rows: (f) => [
    {
      part: '',
      columns: {
        target: f.subject,
        requested_by: f.data.by,
        authority: f.data.authority,
        request: plainTextColumn(f.data.request),
        request_i18n: localizedColumn(f.data.request),
      },
    },
  ],
};
