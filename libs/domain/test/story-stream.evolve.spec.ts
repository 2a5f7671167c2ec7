import { evolve, evolveOwned, foldStream, initialStreamState, type RecordedEvent } from '@newsroom/domain';
import { VALID } from './fixtures/submissions.fixture';
import { correction, eventId, filed, retraction, status, streamOf } from './fixtures/stream.fixture';

const departed = VALID['executive.departed'];
const MIRA = 'person:mira-murati';
const CASE = 'case:musk-v-openai';

describe('initialStreamState', () => {
  it('given a person subject, then the state is empty and has no lawsuit', () => {
    expect(initialStreamState(MIRA)).toEqual({ subject: MIRA, version: 0, events: new Map() });
  });

  it('given a case subject, then the lawsuit starts unfiled', () => {
    expect(initialStreamState(CASE).lawsuit).toEqual({ filed: false, status: null });
  });
});

describe('evolve', () => {
  it('given a state, when an event is applied, then the input state is left untouched', () => {
    const [first, second] = streamOf(
      MIRA,
      ['executive.departed', departed.data, '2024-09-25'],
      correction(1, { data: { reason: 'fired' } }),
    );
    const before = evolve(initialStreamState(MIRA), first);
    const snapshot = structuredClone({ ...before, events: [...before.events] });
    const after = evolve(before, second);
    expect({ ...before, events: [...before.events] }).toEqual(snapshot);
    expect(after).not.toBe(before);
    expect(after.events.get(eventId(1))?.status).toBe('corrected');
  });

  it('given a copy evolve made, when the next events are applied in place (evolveOwned), then it equals evolving each, and the state read first is untouched', () => {
    const events = streamOf(CASE, filed(), status('dismissed'), correction(2, { data: { status: 'settled' } }), retraction(1));
    const read = foldStream(CASE, events.slice(0, 1));
    const snapshot = structuredClone({ ...read, events: [...read.events] });
    let owned = evolve(read, events[1]);
    for (const e of events.slice(2)) owned = evolveOwned(owned, e);
    expect(owned).toEqual(events.slice(1).reduce(evolve, read));
    expect({ ...read, events: [...read.events] }).toEqual(snapshot);
  });

  it('given events, when folded, then the result equals applying evolve one by one', () => {
    const events = streamOf(CASE, filed(), status('dismissed'), retraction(2));
    expect(foldStream(CASE, events)).toEqual(events.reduce(evolve, initialStreamState(CASE)));
  });

  it('given a story event, when applied, then it is current with its data and the version moves', () => {
    const state = foldStream(MIRA, streamOf(MIRA, ['executive.departed', departed.data, '2024-09-25']));
    expect(state.version).toBe(1);
    expect(state.events.get(eventId(1))).toEqual({
      type: 'executive.departed',
      status: 'current',
      occurredAt: '2024-09-25',
      data: departed.data,
    });
  });

  it('given a correction, when applied, then the target is corrected with merged data and the new occurredAt', () => {
    const state = foldStream(
      MIRA,
      streamOf(
        MIRA,
        ['executive.departed', departed.data, '2024-09-25'],
        correction(1, { occurredAt: '2024-09-26', data: { reason: null, destination: 'org:thinking-machines' } }),
      ),
    );
    const { reason: _dropped, ...rest } = departed.data;
    expect(state.events.get(eventId(1))).toEqual({
      type: 'executive.departed',
      status: 'corrected',
      occurredAt: '2024-09-26',
      data: { ...rest, destination: 'org:thinking-machines' },
    });
    expect(state.events.get(eventId(2))).toMatchObject({ type: 'event.corrected', status: 'current', occurredAt: null });
    expect(state.version).toBe(2);
  });

  it('given two corrections, when applied, then both patches accumulate', () => {
    const state = foldStream(
      MIRA,
      streamOf(
        MIRA,
        ['executive.departed', departed.data],
        correction(1, { data: { reason: 'fired' } }),
        correction(1, { data: { role: 'CTO' } }),
      ),
    );
    expect(state.events.get(eventId(1))?.data).toMatchObject({ reason: 'fired', role: 'CTO' });
  });

  it('given a retraction after a correction, when applied, then the target is retracted', () => {
    const state = foldStream(
      MIRA,
      streamOf(MIRA, ['executive.departed', departed.data], correction(1, { data: { reason: 'fired' } }), retraction(1)),
    );
    expect(state.events.get(eventId(1))?.status).toBe('retracted');
  });

  it('given a correction of a missing event, when folded, then folding still succeeds', () => {
    const state = foldStream(MIRA, streamOf(MIRA, correction(9, { occurredAt: '2024' })));
    expect(state.version).toBe(1);
  });

  it('given an event of another subject, when applied, then it throws', () => {
    const [event] = streamOf('person:sam-altman', ['executive.departed', departed.data]);
    expect(() => evolve(initialStreamState(MIRA), event)).toThrow(/belongs to person:sam-altman/);
  });

  it('given a stored v0 departure, when folded, then its data is upcast to v1', () => {
    const [event] = streamOf(MIRA, ['executive.departed', { organization: 'OpenAI', role: 'Chief Technology Officer' }]);
    const v0: RecordedEvent = { ...event, schemaVersion: 0 };
    expect(foldStream(MIRA, [v0]).events.get(eventId(1))?.data).toEqual({
      organization: 'org:openai',
      role: 'Chief Technology Officer',
      roleCategory: 'c-suite',
      reason: 'unknown',
    });
  });

  describe('lawsuit state', () => {
    it.each([
      ['a filing', [filed()], { filed: true, status: null }],
      ['a filing and two steps', [filed(), status('motion_filed'), status('dismissed')], { filed: true, status: 'dismissed' }],
      [
        'a retracted last step',
        [filed(), status('injunction_sought'), status('dismissed'), retraction(3)],
        { filed: true, status: 'injunction_sought' },
      ],
      ['a retracted only step', [filed(), status('settled'), retraction(2)], { filed: true, status: null }],
      ['a retracted filing', [filed(), retraction(1)], { filed: false, status: null }],
      [
        'a corrected step',
        [filed(), status('dismissed'), correction(2, { data: { status: 'withdrawn' } })],
        { filed: true, status: 'withdrawn' },
      ],
    ])('given %s, when folded, then the lawsuit state is derived from the standing events', (_what, specs, expected) => {
      expect(foldStream(CASE, streamOf(CASE, ...specs)).lawsuit).toEqual(expected);
    });
  });
});
