import { EVENT_TYPES } from '@newsroom/domain';
import { anyJson, arr, factSchemaFields, nstr, obj, str } from '../shared/openapi.schemas';

export const timelineItemSchema = obj({
  type: str({ enum: [...EVENT_TYPES] }), subject: str(), subjectName: str(),
  role: str({ description: 'How the fact names the subject asked for: subject, organization, plaintiff, defendant, destination, requested_by...' }),
  headline: str(), data: anyJson(), ...factSchemaFields,
});

export const timelineReportSchema = obj({
  subject: nstr(), from: nstr({ format: 'date-time' }), to: nstr({ format: 'date-time' }), types: { type: 'array', items: str(), nullable: true },
  asOf: nstr({ format: 'date-time' }), knownAt: nstr({ format: 'date-time' }), items: arr(timelineItemSchema), next: nstr(),
});
