import { arr, factVersionSchema, nstr, obj, sourceSchema, str } from '../shared/openapi.schemas';

const step = obj({
  eventId: str({ format: 'uuid' }), status: str(), detail: nstr(), occurredAt: nstr(), modality: str(),
  factStatus: str({ enum: ['current', 'corrected'] }), recordedAt: str({ format: 'date-time' }), sources: arr(sourceSchema),
  history: arr(factVersionSchema),
});

const caseSchema = obj({
  case: str(), caseName: str(), title: nstr(), plaintiffs: arr(str()), defendants: arr(str()), court: nstr(), claims: arr(str()),
  filed: step,
  status: str({ description: 'The latest standing status, "filed" before any change; denied steps never count' }),
  history: arr(step),
});

export const lawsuitsReportSchema = obj({
  party: nstr(), status: { type: 'array', items: str(), nullable: true }, asOf: nstr({ format: 'date-time' }), knownAt: nstr({ format: 'date-time' }),
  items: arr(caseSchema), next: nstr(),
});
