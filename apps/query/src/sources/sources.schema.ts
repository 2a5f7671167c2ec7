import { EVENT_TYPES } from '@newsroom/domain';
import { anyJson, arr, factSchemaFields, nstr, obj, str } from '../reports/shared/openapi.schemas';

const sourceFields = {
  id: str({ description: 'Stable hash of outlet, url and title' }), outlet: str(), url: nstr(), title: nstr(), language: nstr(),
  publishedAt: nstr(), firstRecordedAt: str({ format: 'date-time' }),
};
const header = { asOf: nstr({ format: 'date-time' }), knownAt: nstr({ format: 'date-time' }) };

export const sourcesListSchema = obj({ outlet: nstr(), ...header, items: arr(obj(sourceFields)), next: nstr() });

export const sourceDetailSchema = obj({
  ...sourceFields, ...header,
  items: arr(obj({ type: str({ enum: [...EVENT_TYPES] }), subject: str(), subjectName: str(), headline: str(), quote: nstr(), data: anyJson(), ...factSchemaFields })),
  next: nstr(),
});
