import { decideCorrection, decideRetraction } from '@newsroom/domain';
import { given, thrown, NOW } from './fixtures/decider.fixture';
import { correction, eventId, retraction, type EventSpec } from './fixtures/stream.fixture';
import { envelope } from './fixtures/submissions.fixture';

const MIRA = 'person:mira-murati';
const OPENAI = 'org:openai';

describe('decideCorrection', () => {
  const departed = (): EventSpec => ['executive.departed', envelope('executive.departed').data, '2024-09-25'];

  it('given a plain-string role, when only its French is corrected, then the English stays: the fact has both', () => {
    const changes = { data: { role: { fr: 'directrice technique' } } };
    const decided = decideCorrection(given(MIRA, departed()), eventId(1), { changes, reason: 'French edition' }, NOW);
    expect(decided.data).toMatchObject({ changes });
    const state = given(MIRA, departed(), correction(1, changes));
    expect(state.events.get(eventId(1))?.data).toMatchObject({ role: { en: 'Chief Technology Officer', fr: 'directrice technique' } });
  });

  it('given a departure, when its reason is corrected, then an event.corrected is decided in the same stream', () => {
    const changes = { data: { reason: 'fired' } };
    const decided = decideCorrection(given(MIRA, departed()), eventId(1), { changes, reason: 'Misquoted', sources: [] }, NOW);
    expect(decided).toEqual({
      type: 'event.corrected',
      subject: MIRA,
      occurredAt: null,
      data: { targetEventId: eventId(1), changes, reason: 'Misquoted' },
      sources: [],
      modality: 'reported',
      schemaVersion: 1,
    });
  });

  it('given no such event in the stream, when corrected, then EVENT.NOT_FOUND', () => {
    const error = thrown(() =>
      decideCorrection(given(MIRA, departed()), eventId(7), { changes: { occurredAt: '2024' }, reason: 'x' }, NOW),
    );
    expect(error).toMatchObject({ code: 'EVENT.NOT_FOUND', kind: 'not_found' });
  });

  it('given a retracted target, when corrected, then EVENT.RETRACTED', () => {
    const error = thrown(() =>
      decideCorrection(given(MIRA, departed(), retraction(1)), eventId(1), { changes: { occurredAt: '2024' }, reason: 'x' }, NOW),
    );
    expect(error).toMatchObject({ code: 'EVENT.RETRACTED', kind: 'rule' });
  });

  it.each([
    ['a correction', correction(1, { occurredAt: '2024' })],
    ['a retraction', retraction(9)],
  ])('given the target is %s, when corrected, then EVENT.NOT_CORRECTABLE', (_what, spec) => {
    const error = thrown(() =>
      decideCorrection(given(MIRA, departed(), spec), eventId(2), { changes: { occurredAt: '2024' }, reason: 'x' }, NOW),
    );
    expect(error).toMatchObject({ code: 'EVENT.NOT_CORRECTABLE', kind: 'rule' });
    expect(error.message).toMatch(/is an event\.(corrected|retracted) and cannot be amended/);
  });

  it.each([
    ['a misspelt field', { destinaton: null }, ['changes.data.destinaton']],
    ['a field nested under one the event lacks', { money: { currency: null } }, ['changes.data.money.currency']],
    ['two of them beside a real change', { reason: 'fired', nope: null, nada: null }, ['changes.data.nope', 'changes.data.nada']],
  ])('given a patch removing %s, when corrected, then 400 names it and nothing is decided', (_what, data, paths) => {
    const error = thrown(() => decideCorrection(given(MIRA, departed()), eventId(1), { changes: { data }, reason: 'x' }, NOW));
    expect(error).toMatchObject({ code: 'VALIDATION.FAILED', kind: 'validation' });
    expect(error.errors?.map((e) => e.path)).toEqual(paths);
  });

  it.each([
    ['a value set to what it already is', { changes: { data: { reason: 'resigned' } } }],
    ['the date it already has', { changes: { occurredAt: '2024-09-25' } }],
    ['both', { changes: { occurredAt: '2024-09-25', data: { reason: 'resigned' } } }],
  ])('given a correction to %s, when decided, then 422 CORRECTION.NO_CHANGE and nothing is decided', (_what, req) => {
    const state = given(MIRA, departed()); // resigned, on 2024-09-25
    const error = thrown(() => decideCorrection(state, eventId(1), { ...req, reason: 'x' }, NOW));
    expect(error).toMatchObject({ code: 'CORRECTION.NO_CHANGE', kind: 'rule', errors: [{ path: 'changes' }] });
  });

  it('given a role corrected with blanks around it and doubled spaces, then the correction stores it as the schema keeps text', () => {
    const changes = { data: { role: '  Chief  Research   Officer ', reason: 'fired' } };
    const decided = decideCorrection(given(MIRA, departed()), eventId(1), { changes, reason: 'Misquoted' }, NOW);
    expect(decided.data).toEqual({
      targetEventId: eventId(1),
      changes: { data: { role: 'Chief Research Officer', reason: 'fired' } },
      reason: 'Misquoted',
    });
  });

  describe('a fact recorded before a text rule it breaks (a role with a TAB)', () => {
    const legacy = (): EventSpec => [
      'executive.departed',
      { ...envelope('executive.departed').data, role: 'Chief\tTechnology Officer' },
      '2024-09-25',
    ];

    it('given a correction of another field, then it is decided and leaves the role as recorded', () => {
      const decided = decideCorrection(given(MIRA, legacy()), eventId(1), { changes: { data: { reason: 'fired' } }, reason: 'x' }, NOW);
      expect(decided.data).toMatchObject({ changes: { data: { reason: 'fired' } } });
    });

    it('given a correction of the role itself, then the new role is held to the rule, and a role without the TAB is taken', () => {
      const error = thrown(() =>
        decideCorrection(given(MIRA, legacy()), eventId(1), { changes: { data: { role: 'CTO\tx' } }, reason: 'x' }, NOW),
      );
      expect(error).toMatchObject({
        code: 'VALIDATION.FAILED',
        errors: [{ path: 'changes.data.role', message: 'must not contain control characters: U+0009 at 3' }],
      });
      const fixed = decideCorrection(
        given(MIRA, legacy()),
        eventId(1),
        { changes: { data: { role: ' Chief Technology Officer' } }, reason: 'x' },
        NOW,
      );
      expect(fixed.data).toMatchObject({ changes: { data: { role: 'Chief Technology Officer' } } });
    });

    it('given a correction of another field that breaks a rule itself, then that error is named, not the legacy value', () => {
      const error = thrown(() =>
        decideCorrection(given(MIRA, legacy()), eventId(1), { changes: { data: { reason: 'bored' } }, reason: 'x' }, NOW),
      );
      expect(error).toMatchObject({ code: 'VALIDATION.FAILED' });
      expect(error.errors?.map((e) => e.path)).toEqual(['changes.data.reason']);
    });
  });

  it('given a role corrected to itself with blanks around it, when decided, then 422 CORRECTION.NO_CHANGE: it is stored the same', () => {
    const state = given(MIRA, departed()); // Chief Technology Officer
    const error = thrown(() =>
      decideCorrection(state, eventId(1), { changes: { data: { role: ' Chief  Technology Officer ' } }, reason: 'x' }, NOW),
    );
    expect(error).toMatchObject({ code: 'CORRECTION.NO_CHANGE', kind: 'rule', errors: [{ path: 'changes' }] });
  });

  it.each([
    ['"30.0" to "30.00"', '30.0', '30.00'],
    ['"007" to "7"', '007', '7'],
    ['"30" to "30.0"', '30', '30.0'],
  ])('given an amount corrected from %s, when decided, then 422 CORRECTION.NO_CHANGE: it is the same amount', (_what, was, now) => {
    const state = given(OPENAI, ['revenue.reported', { ...envelope('revenue.reported').data, money: { amount: was, currency: 'USD' } }]);
    const error = thrown(() => decideCorrection(state, eventId(1), { changes: { data: { money: { amount: now } } }, reason: 'x' }, NOW));
    expect(error).toMatchObject({ code: 'CORRECTION.NO_CHANGE', kind: 'rule', errors: [{ path: 'changes' }] });
  });

  it('given an amount corrected to another amount or currency, when decided, then it is a change', () => {
    const state = given(OPENAI, ['revenue.reported', { ...envelope('revenue.reported').data, money: { amount: '30', currency: 'USD' } }]);
    for (const money of [{ amount: '30.01' }, { amount: '30.0', currency: 'EUR' }]) {
      expect(decideCorrection(state, eventId(1), { changes: { data: { money } }, reason: 'x' }, NOW).type).toBe('event.corrected');
    }
  });

  it.each([
    ['funding.round_closed', { valuation: { amount: '1000000', currency: 'USD' } }, 'changes.data.valuation.amount'],
    ['headcount.reported', { byFunction: { Total: 5 } }, 'changes.data.byFunction.Total'],
    ['headcount.reported', { total: 1e20 }, 'changes.data.total'],
    ['governance.restructuring_announced', { to: envelope('governance.restructuring_announced').data.from }, 'changes.data.to'],
    ['regulatory.intervention_requested', { by: OPENAI }, 'changes.data.by'],
  ] as const)('given a %s corrected into a fact that cannot be true (%j), when decided, then 400 on %s', (type, data, path) => {
    const state = given(OPENAI, [type, envelope(type).data]);
    const error = thrown(() => decideCorrection(state, eventId(1), { changes: { data }, reason: 'x' }, NOW));
    expect(error).toMatchObject({ code: 'VALIDATION.FAILED', kind: 'validation', errors: [{ path }] });
  });

  it('given a case corrected to list a defendant twice, when decided, then 400 on the second listing', () => {
    const state = given('case:musk-v-openai', ['lawsuit.filed', envelope('lawsuit.filed').data]);
    const changes = { data: { defendants: ['org:openai', 'person:sam-altman', 'org:openai'] } };
    const error = thrown(() => decideCorrection(state, eventId(1), { changes, reason: 'x' }, NOW));
    expect(error).toMatchObject({ code: 'VALIDATION.FAILED', errors: [{ path: 'changes.data.defendants[2]' }] });
  });

  it('given a correction that only gives the list of inferred fields, then it is a change (the list is not in the decision state)', () => {
    const decided = decideCorrection(
      given(MIRA, departed()),
      eventId(1),
      {
        changes: { occurredAt: '2024-09-25', inferred: [] },
        reason: 'x',
      },
      NOW,
    );
    expect(decided.type).toBe('event.corrected');
  });

  it('given an already corrected target, when corrected again, then it is accepted', () => {
    const state = given(MIRA, departed(), correction(1, { data: { reason: 'fired' } }));
    expect(decideCorrection(state, eventId(1), { changes: { data: { reason: 'retired' } }, reason: 'x' }, NOW).type).toBe(
      'event.corrected',
    );
  });

  it.each([
    ['a bad enum', { roleCategory: 'ceo' }, ['changes.data.roleCategory']],
    ['an unknown field', { salary: '1' }, ['changes.data.salary']],
    ['a required field removed', { role: null }, ['changes.data.role']],
    ['an org of the wrong kind', { organization: 'person:sam-altman' }, ['changes.data.organization']],
  ])('given a patch with %s, when corrected, then the merged data is refused at the expected paths', (_what, data, paths) => {
    const error = thrown(() => decideCorrection(given(MIRA, departed()), eventId(1), { changes: { data }, reason: 'x' }, NOW));
    expect(error.kind).toBe('validation');
    expect(error.errors?.map((e) => e.path)).toEqual(paths);
  });

  it('given a new inferred list alone, when corrected, then it is decided and kept in the changes', () => {
    const changes = { inferred: [{ path: 'occurredAt', note: 'the day is from the company blog' }] };
    const decided = decideCorrection(given(MIRA, departed()), eventId(1), { changes, reason: 'The article gives only the month' }, NOW);
    expect(decided.data).toEqual({ targetEventId: eventId(1), changes, reason: 'The article gives only the month' });
    expect(decideCorrection(given(MIRA, departed()), eventId(1), { changes: { inferred: [] }, reason: 'sourced now' }, NOW).type).toBe(
      'event.corrected',
    );
  });

  it.each([
    [
      'a field the event does not have',
      { inferred: [{ path: 'data.destination', note: 'n' }] },
      'data.destination names no field of this event',
    ],
    [
      'a field the same correction removes',
      { data: { reason: null }, inferred: [{ path: 'data.reason', note: 'n' }] },
      'data.reason names no field of this event',
    ],
    [
      'a path given twice',
      {
        inferred: [
          { path: 'data.role', note: 'a' },
          { path: 'data.role', note: 'b' },
        ],
      },
      'data.role is listed twice',
    ],
  ])('given an inferred list naming %s, when corrected, then 400 on changes.inferred[i].path', (_what, changes, message) => {
    const error = thrown(() => decideCorrection(given(MIRA, departed()), eventId(1), { changes, reason: 'x' }, NOW));
    expect(error.kind).toBe('validation');
    expect(error.errors).toEqual([{ path: expect.stringMatching(/^changes\.inferred\[\d\]\.path$/), message }]);
  });

  it('given a field the same correction adds, when it is marked inferred, then it is accepted', () => {
    const changes = { data: { destination: 'org:thinking-machines' }, inferred: [{ path: 'data.destination', note: 'from her own post' }] };
    expect(decideCorrection(given(MIRA, departed()), eventId(1), { changes, reason: 'x' }, NOW).type).toBe('event.corrected');
  });

  it('given a nested money patch with a float, when corrected, then the error path goes into money', () => {
    const state = given('org:openai', ['revenue.reported', envelope('revenue.reported').data]);
    const error = thrown(() => decideCorrection(state, eventId(1), { changes: { data: { money: { amount: 5 } } }, reason: 'x' }, NOW));
    expect(error.errors).toEqual([{ path: 'changes.data.money.amount', message: expect.stringContaining('decimal string') }]);
  });

  it('given a nested money patch, when corrected, then the currency is kept and it is accepted', () => {
    const state = given('org:openai', ['revenue.reported', envelope('revenue.reported').data]);
    expect(decideCorrection(state, eventId(1), { changes: { data: { money: { amount: '4000000000' } } }, reason: 'x' }, NOW).type).toBe(
      'event.corrected',
    );
  });

  it('given a null on an optional field, when corrected, then it is accepted', () => {
    expect(decideCorrection(given(MIRA, departed()), eventId(1), { changes: { data: { reason: null } }, reason: 'x' }, NOW).type).toBe(
      'event.corrected',
    );
  });

  it.each([
    ['empty changes', {}, 'changes'],
    ['a bad occurredAt', { occurredAt: '2024-02-30' }, 'changes.occurredAt'],
  ])('given %s, when corrected, then it is refused on %s', (_what, changes, path) => {
    const error = thrown(() => decideCorrection(given(MIRA, departed()), eventId(1), { changes, reason: 'x' }, NOW));
    expect(error).toMatchObject({ code: 'VALIDATION.FAILED', kind: 'validation', errors: [{ path }] });
  });
});

describe('decideRetraction', () => {
  const departed = (): EventSpec => ['executive.departed', envelope('executive.departed').data];

  it('given a current event, when retracted, then an event.retracted is decided', () => {
    expect(decideRetraction(given(MIRA, departed()), eventId(1), { reason: 'Hoax' })).toEqual({
      type: 'event.retracted',
      subject: MIRA,
      occurredAt: null,
      data: { targetEventId: eventId(1), reason: 'Hoax' },
      sources: [],
      modality: 'reported',
      schemaVersion: 1,
    });
  });

  it('given a corrected event, when retracted, then it is accepted', () => {
    const state = given(MIRA, departed(), correction(1, { data: { reason: 'fired' } }));
    expect(decideRetraction(state, eventId(1), { reason: 'x' }).type).toBe('event.retracted');
  });

  it('given a missing event, when retracted, then EVENT.NOT_FOUND', () => {
    expect(thrown(() => decideRetraction(given(MIRA), eventId(1), { reason: 'x' }))).toMatchObject({
      code: 'EVENT.NOT_FOUND',
      kind: 'not_found',
    });
  });

  it('given an already retracted event, when retracted again, then EVENT.RETRACTED', () => {
    expect(thrown(() => decideRetraction(given(MIRA, departed(), retraction(1)), eventId(1), { reason: 'x' }))).toMatchObject({
      code: 'EVENT.RETRACTED',
      kind: 'rule',
    });
  });

  it('given the target is itself a retraction, when retracted, then EVENT.NOT_CORRECTABLE', () => {
    expect(thrown(() => decideRetraction(given(MIRA, departed(), retraction(1)), eventId(2), { reason: 'x' }))).toMatchObject({
      code: 'EVENT.NOT_CORRECTABLE',
    });
  });

  it('given the target is a correction, when retracted, then EVENT.NOT_CORRECTABLE', () => {
    const state = given(MIRA, departed(), correction(1, { occurredAt: '2024' }));
    expect(thrown(() => decideRetraction(state, eventId(2), { reason: 'x' }))).toMatchObject({
      code: 'EVENT.NOT_CORRECTABLE',
      kind: 'rule',
    });
  });
});
