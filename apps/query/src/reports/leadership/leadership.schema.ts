import { arr, bool, factVersionSchema, nstr, obj, sourceSchema, str } from '../shared/openapi.schemas';

const bound = obj(
  {
    eventId: str({ format: 'uuid' }), occurredAt: nstr(), from: nstr({ format: 'date-time' }), to: nstr({ format: 'date-time' }),
    modality: str(), status: str({ enum: ['current', 'corrected'] }), recordedAt: str({ format: 'date-time' }), sources: arr(sourceSchema),
    history: arr(factVersionSchema),
  },
  { nullable: true },
);

const tenure = (extra: Record<string, unknown> = {}) => {
  const schema = obj({
    person: str(), personName: str(), role: str(), roleCategory: str(), interim: bool(),
    start: { ...bound, description: 'The appointment; null when only the departure is on record (start unknown)' },
    end: { ...bound, description: 'The departure; null while the tenure is open' },
    reason: nstr(), destination: nstr(), ...extra,
  });
  return schema;
};

export const leadershipReportSchema = obj({
  organization: str(), organizationName: str(), asOf: nstr({ format: 'date-time' }), knownAt: nstr({ format: 'date-time' }),
  show: str({ enum: ['roster', 'tenures'] }),
  items: arr(tenure({ certain: { ...bool(), description: 'Roster only: false when asOf falls inside an imprecise start or end date, or the start is unknown' } })),
  next: nstr({ description: 'Cursor of the next page; null on the last' }),
});
