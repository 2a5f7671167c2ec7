import { isAmendment, upcast, type EventDataMap, type RecordedEvent, type StreamEventState } from '@newsroom/domain';
import type { StoredEvent } from '@newsroom/event-store';
import { departuresModel, type FactModel, type FactVersion, type ProjectedEvent } from '@newsroom/projections';
import { departed, resetClock } from './support/events.builder';

// Type-level checks: `npx tsc --noEmit -p tsconfig.json` fails when an `@ts-expect-error` below has no error to
// expect. A field renamed in an event's zod schema is the old name read here: it must not compile anywhere.

/** A projection reading a field its event does not have (the schema says `organization`). */
export const misspelledModel: FactModel<'executive.departed'> = {
  types: ['executive.departed'],
  columns: { organisation: 'plain' },
  // @ts-expect-error `organisation` is not a field of executive.departed: it would write null into the read model.
  rows: (f) => [{ part: '', columns: { organisation: f.data.organisation } }],
};

/** A field of one type read on another: the model's types decide what its rows() may read. */
export const wrongTypeModel: FactModel<'executive.appointed'> = {
  types: ['executive.appointed'],
  columns: { reason: 'plain' },
  // @ts-expect-error `reason` belongs to executive.departed, not executive.appointed.
  rows: (f) => [{ part: '', columns: { reason: f.data.reason } }],
};

export function organizationOf(e: ProjectedEvent): string | null {
  // @ts-expect-error not every type has an organization: `type` must be checked first.
  void e.data.organization;
  if (e.type === 'executive.departed') return e.data.organization;
  if (e.type === 'revenue.reported') {
    // @ts-expect-error revenue.reported has no role.
    void e.data.role;
  }
  return null;
}

export function amendmentTarget(e: ProjectedEvent | RecordedEvent | StoredEvent): string | null {
  if (isAmendment(e)) return e.data.targetEventId;
  // @ts-expect-error outside the guard the data has no targetEventId.
  void e.data.targetEventId;
  return null;
}

export function correctedStatus(state: StreamEventState): string | null {
  // A folded event keeps its type's data, after corrections too.
  return state.type === 'lawsuit.status_changed' ? state.data.status : null;
}

// The catalog's data map is what the unions are built from.
export const departedReason: EventDataMap['executive.departed']['reason'] = 'resigned';
// @ts-expect-error a reason the schema does not list.
export const unknownReason: EventDataMap['executive.departed']['reason'] = 'vanished';

describe('event data typed end to end', () => {
  beforeEach(() => resetClock());

  it('narrows data by type, and the amendment guard by the type alone', () => {
    const e = departed('person:mira-murati', 'CTO', '2024-09');
    expect(organizationOf(e)).toBe('org:openai');
    expect(amendmentTarget(e)).toBeNull();
    const fix = { ...e, type: 'event.retracted' as const, data: { targetEventId: e.id, reason: 'wrong' } };
    expect(amendmentTarget(fix)).toBe(e.id);
  });

  it('upcasting takes untyped old data and gives the typed shape of today', () => {
    const current = upcast({ type: 'executive.departed', schemaVersion: 0, data: { organization: 'OpenAI', role: 'Chief Scientist' } });
    expect(current.type === 'executive.departed' ? current.data.roleCategory : null).toBe('c-suite');
  });

  it('a model reads the typed data of its own types', () => {
    const e = departed('person:mira-murati', 'CTO', '2024-09');
    const fact = {
      ...e,
      factId: e.id,
      version: 1,
      validFrom: null,
      validTo: null,
      recordedFrom: e.recordedAt,
      positionFrom: e.globalPosition,
      factPosition: e.globalPosition,
      changeReason: null,
      inferred: [],
    } as FactVersion<'executive.departed'>;
    expect(departuresModel.rows(fact)[0].columns.organization).toBe('org:openai');
  });
});
