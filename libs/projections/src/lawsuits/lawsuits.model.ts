import { textOf } from '@newsroom/domain';
import type { FactModel } from '../facts/fact-model.types';
import { localizedColumn, localizedListColumn, plainTextColumn } from '../facts/localized-column.util';

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
    title_i18n: 'json',
    court_i18n: 'json',
    claims_i18n: 'json',
    detail_i18n: 'json',
  },
  rows: (f) => {
    if (f.type === 'lawsuit.status_changed') {
      return [
        {
          part: '',
          columns: {
            kind: 'status',
            status: f.data.status,
            detail: plainTextColumn(f.data.detail),
            detail_i18n: localizedColumn(f.data.detail),
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
          title: plainTextColumn(f.data.title),
          title_i18n: localizedColumn(f.data.title),
          plaintiffs,
          defendants,
          parties: [...new Set([...plaintiffs, ...defendants])],
          court: plainTextColumn(f.data.court),
          court_i18n: localizedColumn(f.data.court),
          claims: (f.data.claims ?? []).map(textOf),
          claims_i18n: localizedListColumn(f.data.claims),
          status: null,
          detail: null,
        },
      },
    ];
  },
};
