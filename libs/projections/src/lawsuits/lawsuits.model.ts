import type { FactModel } from '../facts/fact-model.types';

/** A case's filing and its status changes, one row per fact version. */
export const lawsuitsModel: FactModel<'lawsuit.filed' | 'lawsuit.status_changed'> = {
  types: ['lawsuit.filed', 'lawsuit.status_changed'],
  columns: {
    kind: 'plain',
    title: 'plain',
    plaintiffs: 'array',
    defendants: 'array',
    parties: 'array',
    court: 'plain',
    claims: 'json',
    status: 'plain',
    detail: 'plain',
  },
  rows: (f) => {
    if (f.type === 'lawsuit.status_changed') {
      return [
        {
          part: '',
          columns: {
            kind: 'status',
            status: f.data.status,
            detail: f.data.detail ?? null,
            plaintiffs: [],
            defendants: [],
            parties: [],
            claims: [],
          },
        },
      ];
    }
    const plaintiffs: string[] = f.data.plaintiffs ?? [];
    const defendants: string[] = f.data.defendants ?? [];
    return [
      {
        part: '',
        columns: {
          kind: 'filed',
          title: f.data.title ?? null,
          plaintiffs,
          defendants,
          parties: [...new Set([...plaintiffs, ...defendants])],
          court: f.data.court ?? null,
          claims: f.data.claims ?? [],
          status: null,
          detail: null,
        },
      },
    ];
  },
};
