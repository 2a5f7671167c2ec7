import { arr, factSchemaFields, int, nstr, obj, str } from '../shared/openapi.schemas';

const departure = obj({
  person: str(), personName: str(), organization: str(), role: str(), roleCategory: str(), reason: nstr(), destination: nstr(),
  ...factSchemaFields,
});

const header = { organization: nstr(), from: nstr({ format: 'date-time' }), to: nstr({ format: 'date-time' }), asOf: nstr({ format: 'date-time' }), knownAt: nstr({ format: 'date-time' }) };

export const departuresReportSchema = {
  oneOf: [
    obj({ ...header, items: arr(departure), next: nstr({ description: 'Cursor of the next page; null on the last' }) }),
    obj({
      ...header,
      groupBy: str({ enum: ['month', 'quarter', 'year', 'roleCategory'] }),
      groups: arr(obj({ key: str({ description: '2024-09, 2024-Q3, 2024 or a role category' }), from: nstr({ format: 'date-time' }), to: nstr({ format: 'date-time' }), count: int(), items: arr(departure) })),
      unplaced: obj({ count: int(), items: arr(departure) }, { description: 'Departures dated too coarsely for one bucket (2023-12/2024-12 by quarter)' }),
    }),
  ],
};
