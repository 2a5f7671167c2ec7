import type { FactModel } from '../facts/fact-model.types';

/** Requests that an authority act against an organization (the subject is the target). */
export const regulatoryModel: FactModel<'regulatory.intervention_requested'> = {
  types: ['regulatory.intervention_requested'],
  columns: { target: 'plain', requested_by: 'plain', authority: 'plain', request: 'plain' },
  rows: (f) => [
    { part: '', columns: { target: f.subject, requested_by: f.data.by, authority: f.data.authority, request: f.data.request } },
  ],
};
