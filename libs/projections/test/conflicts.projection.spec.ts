import {
  addConflictAppointment,
  addConflictFact,
  emptyConflictSet,
  evolveConflicts,
  type ConflictFactRow,
  type ProjectedEvent,
} from '@newsroom/projections';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const idOf = (name: string) => `id(${name})`;
let position = 0;

function event(type: string, data: unknown, over: Partial<ProjectedEvent> = {}): ProjectedEvent {
  position += 1;
  return {
    id: id(position),
    type,
    subject: 'org:openai',
    occurredAt: type.startsWith('event.') || type.startsWith('conflict.') ? null : '2024-H1',
    data,
    sources: [{ outlet: `Outlet ${position}`, language: 'en' }],
    modality: 'reported',
    streamVersion: position,
    globalPosition: String(position),
    recordedAt: new Date(Date.UTC(2024, 0, position)).toISOString(),
    schemaVersion: 1,
    metadata: {},
    ...over,
  } as ProjectedEvent;
}
const loss = (amount: string) =>
  event('financial.loss_reported', { money: { amount, currency: 'USD' }, period: '2024-H1', basis: 'actual' });

describe('evolveConflicts (pure, over the facts a batch shares claim keys with)', () => {
  beforeEach(() => (position = 0));

  it('given two figures for one half-year, then the second opens a conflict with both sides, the first recorded as a', () => {
    const set = emptyConflictSet();
    const a = loss('5');
    const b = loss('3');
    evolveConflicts(set, a, idOf);
    evolveConflicts(set, b, idOf);
    const [c] = [...set.conflicts.values()];
    expect(set.conflicts.size).toBe(1);
    expect(c).toMatchObject({
      status: 'open',
      fields: ['amount'],
      openedEventId: b.id,
      a: { eventId: a.id, value: { amount: '5' } },
      b: { eventId: b.id },
    });
  });

  it('given the same event twice (a redelivery), then nothing changes the second time', () => {
    const set = emptyConflictSet();
    const a = loss('5');
    const b = loss('3');
    for (const e of [a, b, b]) evolveConflicts(set, e, idOf);
    expect(set.conflicts.size).toBe(1);
    expect([...set.facts.keys()]).toEqual([a.id, b.id]);
  });

  it('given a correction that makes the sides agree, then the conflict closes by correction with its reason', () => {
    const set = emptyConflictSet();
    const a = loss('5');
    const b = loss('3');
    for (const e of [a, b]) evolveConflicts(set, e, idOf);
    const fix = event('event.corrected', {
      targetEventId: b.id,
      changes: { data: { money: { amount: '5', currency: 'USD' } } },
      reason: 'misread',
    });
    evolveConflicts(set, fix, idOf);
    expect([...set.conflicts.values()][0]).toMatchObject({
      status: 'resolved',
      closedBy: 'correction',
      closedEventId: fix.id,
      reason: 'misread',
    });
  });

  it('given a correction that leaves them disagreeing, then it stays open with the new value', () => {
    const set = emptyConflictSet();
    const a = loss('5');
    const b = loss('3');
    for (const e of [a, b]) evolveConflicts(set, e, idOf);
    evolveConflicts(
      set,
      event('event.corrected', { targetEventId: b.id, changes: { data: { money: { amount: '4', currency: 'USD' } } }, reason: 'x' }),
      idOf,
    );
    expect([...set.conflicts.values()][0]).toMatchObject({ status: 'open', b: { value: { amount: '4' } } });
  });

  it('given a correction of the first fact, then the sides keep their order: a is still the fact recorded first', () => {
    const set = emptyConflictSet();
    const a = loss('5');
    const b = loss('3');
    for (const e of [a, b]) evolveConflicts(set, e, idOf);
    evolveConflicts(
      set,
      event('event.corrected', { targetEventId: a.id, changes: { data: { money: { amount: '6', currency: 'USD' } } }, reason: 'x' }),
      idOf,
    );
    const [c] = [...set.conflicts.values()];
    expect(c).toMatchObject({ status: 'open', a: { eventId: a.id, value: { amount: '6' } }, b: { eventId: b.id } });
  });

  it("given an editor's resolution, then a correction that changes a side's value and still disagrees opens it again; one that changes nothing claimed keeps it", () => {
    const set = emptyConflictSet();
    const a = loss('5');
    const b = loss('3');
    for (const e of [a, b]) evolveConflicts(set, e, idOf);
    const [ab] = [...set.conflicts.values()];
    evolveConflicts(
      set,
      event('conflict.resolved', { conflictId: ab.conflictId, standingEventId: a.id, otherEventId: b.id, reason: 'audited' }),
      idOf,
    );
    // A correction of the sources' wording only (no claimed value moves): the editor's word stands.
    evolveConflicts(
      set,
      event('event.corrected', { targetEventId: a.id, changes: { data: { note: 'restated' } }, reason: 'wording' }),
      idOf,
    );
    expect(set.conflicts.get(ab.conflictId)).toMatchObject({ status: 'resolved', closedBy: 'editor', standingEventId: a.id });
    // The row as the read model gives it back (jsonb orders an object's keys its own way): a correction of the fields
    // the sources do not state moves no value, and the decision stands.
    const stored = set.conflicts.get(ab.conflictId)!;
    const reordered = (v: object) => Object.fromEntries(Object.entries(v).reverse());
    set.conflicts.set(ab.conflictId, {
      ...stored,
      a: { ...stored.a, value: reordered(stored.a.value) },
      b: { ...stored.b, value: reordered(stored.b.value) },
    });
    evolveConflicts(
      set,
      event('event.corrected', { targetEventId: b.id, changes: { inferred: [] }, reason: 'the source gives the month' }),
      idOf,
    );
    expect(set.conflicts.get(ab.conflictId)).toMatchObject({ status: 'resolved', closedBy: 'editor' });
    const restated = event('event.corrected', {
      targetEventId: a.id,
      changes: { data: { money: { amount: '7', currency: 'USD' } } },
      reason: 'restated',
    });
    evolveConflicts(set, restated, idOf);
    expect(set.conflicts.get(ab.conflictId)).toMatchObject({
      status: 'open',
      openedEventId: restated.id,
      closedBy: null,
      standingEventId: null,
      a: { eventId: a.id, value: { amount: '7' } },
      b: { eventId: b.id, value: { amount: '3' } },
      fields: ['amount'],
    });
  });

  it('given a retraction of one side, then its open conflicts close by retraction; a resolved one stays as the editor left it', () => {
    const set = emptyConflictSet();
    const a = loss('5');
    const b = loss('3');
    const c = loss('4');
    for (const e of [a, b, c]) evolveConflicts(set, e, idOf);
    const ab = [...set.conflicts.values()].find((x) => x.b.eventId === b.id)!;
    const resolution = event('conflict.resolved', {
      conflictId: ab.conflictId,
      standingEventId: a.id,
      otherEventId: b.id,
      reason: 'filing',
    });
    evolveConflicts(set, resolution, idOf);
    evolveConflicts(set, event('event.retracted', { targetEventId: b.id, reason: 'withdrawn' }), idOf);
    const byPair = new Map([...set.conflicts.values()].map((x) => [`${x.a.eventId}>${x.b.eventId}`, x]));
    expect(byPair.get(`${a.id}>${b.id}`)).toMatchObject({ closedBy: 'editor', standingEventId: a.id, reason: 'filing' });
    expect(byPair.get(`${b.id}>${c.id}`)).toMatchObject({ status: 'resolved', closedBy: 'retraction' });
    expect(byPair.get(`${a.id}>${c.id}`)).toMatchObject({ status: 'open' });
    expect(set.facts.get(b.id)).toBeNull();
  });

  it('given a fact loaded from the read model, then a new figure is compared with it', () => {
    const set = emptyConflictSet();
    const stored: ConflictFactRow = {
      factId: id(99),
      subject: 'org:openai',
      type: 'financial.loss_reported',
      occurredAt: '2024-H1',
      data: { money: { amount: '30', currency: 'USD' }, period: '2024-01-01/2024-06-30', basis: 'actual' },
      modality: 'reported',
      sources: [],
      position: '0',
      recordedAt: '2024-01-01T00:00:00.000Z',
    };
    addConflictFact(set, stored);
    evolveConflicts(set, loss('31'), idOf);
    expect([...set.conflicts.values()][0]).toMatchObject({ a: { eventId: id(99) }, fields: ['amount'] });
  });

  it('given a conflict closed by a correction, made to disagree again, then resolved twice, then each state is kept from the event that began it', () => {
    const set = emptyConflictSet();
    const a = loss('5');
    const b = loss('3');
    const amend = (amount: string) =>
      event('event.corrected', { targetEventId: b.id, changes: { data: { money: { amount, currency: 'USD' } } }, reason: `now ${amount}` });
    const agree = amend('5');
    const again = amend('4');
    for (const e of [a, b]) evolveConflicts(set, e, idOf);
    const [conflictId] = set.conflicts.keys();
    const resolve = (reason: string) => event('conflict.resolved', { conflictId, standingEventId: a.id, otherEventId: b.id, reason });
    const first = resolve('the filing');
    const second = resolve('the audit');
    for (const e of [agree, again, first, second]) evolveConflicts(set, e, idOf);
    expect([...set.states.values()].map((s) => [s.fromPosition, s.status, s.openedEventId, s.closedEventId, s.closedBy, s.reason])).toEqual(
      [
        [b.globalPosition, 'open', b.id, null, null, null],
        [agree.globalPosition, 'resolved', b.id, agree.id, 'correction', 'now 5'],
        [again.globalPosition, 'open', again.id, null, null, null],
        [first.globalPosition, 'resolved', again.id, first.id, 'editor', 'the filing'],
        [second.globalPosition, 'resolved', again.id, second.id, 'editor', 'the audit'],
      ],
    );
    // The row is the latest state; a redelivery of an event changes no state.
    expect(set.conflicts.get(conflictId)).toMatchObject({ status: 'resolved', closedEventId: second.id });
    evolveConflicts(set, b, idOf);
    expect(set.states.size).toBe(5);
  });
});

describe('evolveConflicts: a re-appointment between two departures of one role', () => {
  beforeEach(() => (position = 0));
  const person = { subject: 'person:bret-taylor' };
  const departed = (occurredAt: string, modality: ProjectedEvent['modality'] = 'reported') =>
    event('executive.departed', { organization: 'org:openai', role: 'CTO', roleCategory: 'c-suite' }, { ...person, occurredAt, modality });
  const appointed = (occurredAt: string, role = 'cto') =>
    event('executive.appointed', { organization: 'org:openai', role, roleCategory: 'c-suite' }, { ...person, occurredAt });
  const fold = (...events: ProjectedEvent[]) => {
    const set = emptyConflictSet();
    for (const e of events) evolveConflicts(set, e, idOf);
    return set;
  };
  const open = (set: ReturnType<typeof emptyConflictSet>) =>
    [...set.conflicts.values()].filter((c) => c.status === 'open').map((c) => [c.a.eventId, c.b.eventId, c.fields]);

  it('given departures of 2023 and 2025 with a re-appointment of 2024 folded between them, then no conflict; without it or outside them, one', () => {
    expect(open(fold(departed('2023'), appointed('2024-03'), departed('2025')))).toEqual([]);
    position = 0;
    expect(open(fold(departed('2023'), departed('2025')))).toEqual([[id(1), id(2), ['occurredAt']]]);
    position = 0;
    expect(open(fold(departed('2023'), appointed('2022'), departed('2025')))).toEqual([[id(1), id(3), ['occurredAt']]]);
    position = 0;
    expect(open(fold(departed('2023'), appointed('2024', 'CEO'), departed('2025')))).toEqual([[id(1), id(3), ['occurredAt']]]);
  });

  it('given a re-appointment and a denial dated after it, then no conflict with the departure before it', () => {
    expect(open(fold(departed('2023-05'), appointed('2024-02'), departed('2025-03', 'denied')))).toEqual([]);
  });

  it('given an appointment the read model recorded after the later departure (a rebuild reads it ahead of its fold), then it does not count yet', () => {
    const set = emptyConflictSet();
    const first = departed('2023');
    const later = departed('2025');
    addConflictAppointment(set, {
      factId: id(9),
      key: 'departure|person:bret-taylor|org:openai|cto',
      validTime: { from: '2024-03-01T00:00:00.000Z', to: '2024-04-01T00:00:00.000Z' },
      fact: { type: 'executive.appointed', subject: person.subject, occurredAt: '2024-03', data: {}, modality: 'reported' },
      positionFrom: '9',
      positionTo: null,
    });
    evolveConflicts(set, first, idOf);
    evolveConflicts(set, later, idOf);
    expect(open(set)).toEqual([[first.id, later.id, ['occurredAt']]]);
  });

  it('given the appointment retracted, or corrected out of the window, before the later departure, then they conflict', () => {
    const a = departed('2023');
    const reappointment = appointed('2024');
    const retracted = fold(
      a,
      reappointment,
      event('event.retracted', { targetEventId: reappointment.id, reason: 'wrong person' }, person),
      departed('2025'),
    );
    expect(open(retracted)).toEqual([[id(1), id(4), ['occurredAt']]]);
    position = 0;
    const b = departed('2023');
    const moved = appointed('2024');
    const corrected = fold(
      b,
      moved,
      event('event.corrected', { targetEventId: moved.id, changes: { occurredAt: '2022' }, reason: 'earlier' }, person),
      departed('2025'),
    );
    expect(open(corrected)).toEqual([[id(1), id(4), ['occurredAt']]]);
  });

  it('given a conflict, then a correction of a departure that puts the re-appointment between them closes it by correction', () => {
    const c = departed('2024-09');
    const reappointment = appointed('2024-06');
    const d = departed('2025');
    const set = fold(c, reappointment, d);
    // The appointment of June is before a departure of September: the two are one departure, a conflict.
    expect(open(set)).toEqual([[c.id, d.id, ['occurredAt']]]);
    evolveConflicts(
      set,
      event('event.corrected', { targetEventId: c.id, changes: { occurredAt: '2023-11' }, reason: 'left in 2023' }, person),
      idOf,
    );
    expect([...set.conflicts.values()].map((x) => [x.status, x.closedBy])).toEqual([['resolved', 'correction']]);
  });

  const states = (set: ReturnType<typeof emptyConflictSet>) =>
    [...set.conflicts.values()].map((x) => [x.status, x.closedBy, x.closedEventId, x.openedEventId]);

  it('given a re-appointment recorded after both departures, then it closes their open conflict (closedBy appointment, no side stands, no reason)', () => {
    const a = departed('2023');
    const b = departed('2025');
    const late = appointed('2024-03');
    const set = fold(a, b, late);
    expect(states(set)).toEqual([['resolved', 'appointment', late.id, b.id]]);
    const [c] = [...set.conflicts.values()];
    expect(c).toMatchObject({ standingEventId: null, reason: null, fields: ['occurredAt'], a: { eventId: a.id }, b: { eventId: b.id } });
    // Each state kept: opened by the later departure, closed by the appointment.
    expect([...set.states.values()].map((x) => [x.fromPosition, x.status, x.closedBy])).toEqual([
      ['2', 'open', null],
      ['3', 'resolved', 'appointment'],
    ]);
  });

  it('given a late appointment retracted, then redelivered (a replay), then the conflict it reopened stays open', () => {
    const [a, b] = [departed('2023'), departed('2025')];
    const late = appointed('2024');
    const retraction = event('event.retracted', { targetEventId: late.id, reason: 'wrong person' }, person);
    const set = fold(a, b, late, retraction, late);
    expect(states(set)).toEqual([['open', null, null, retraction.id]]);
  });

  it('given a late appointment outside the two, rumoured, or of another role, then the conflict stays open', () => {
    expect(open(fold(departed('2023'), departed('2025'), appointed('2022')))).toEqual([[id(1), id(2), ['occurredAt']]]);
    position = 0;
    expect(open(fold(departed('2023'), departed('2025'), appointed('2024', 'CEO')))).toEqual([[id(1), id(2), ['occurredAt']]]);
    position = 0;
    const rumour = event(
      'executive.appointed',
      { organization: 'org:openai', role: 'CTO', roleCategory: 'c-suite' },
      { ...person, occurredAt: '2024', modality: 'rumored' },
    );
    expect(open(fold(departed('2023'), departed('2025'), rumour))).toEqual([[id(2), id(3), ['occurredAt']]]);
  });

  it('given the late appointment then retracted, or corrected out of the window, then the conflict opens again from that event; corrected back in, it closes again', () => {
    const [first, second] = [departed('2023'), departed('2025')];
    const late = appointed('2024');
    const set = fold(first, second, late);
    const retraction = event('event.retracted', { targetEventId: late.id, reason: 'wrong person' }, person);
    evolveConflicts(set, retraction, idOf);
    expect(states(set)).toEqual([['open', null, null, retraction.id]]);
    expect(open(set)).toEqual([[first.id, second.id, ['occurredAt']]]);

    position = 0;
    const [third, fourth] = [departed('2023'), departed('2025')];
    const moved = appointed('2024');
    const again = fold(third, fourth, moved);
    const out = event('event.corrected', { targetEventId: moved.id, changes: { occurredAt: '2026' }, reason: 'later' }, person);
    evolveConflicts(again, out, idOf);
    expect(states(again)).toEqual([['open', null, null, out.id]]);
    const back = event('event.corrected', { targetEventId: moved.id, changes: { occurredAt: '2024-06' }, reason: 'June' }, person);
    evolveConflicts(again, back, idOf);
    expect(states(again)).toEqual([['resolved', 'appointment', back.id, out.id]]);
  });

  it("given an editor's resolution or a retracted side, then a late appointment changes nothing, nor does its retraction reopen a pair with a side retracted", () => {
    const a = departed('2023');
    const b = departed('2025');
    const resolved = fold(
      a,
      b,
      event(
        'conflict.resolved',
        {
          conflictId: idOf(`conflict|departure|person:bret-taylor|org:openai|cto|${a.id}|${b.id}`),
          standingEventId: a.id,
          otherEventId: b.id,
          reason: 'r',
        },
        person,
      ),
    );
    evolveConflicts(resolved, appointed('2024'), idOf);
    expect([...resolved.conflicts.values()].map((x) => [x.status, x.closedBy])).toEqual([['resolved', 'editor']]);

    position = 0;
    const [c, d] = [departed('2023'), departed('2025')];
    const late = appointed('2024');
    const set = fold(c, d, late);
    evolveConflicts(set, event('event.retracted', { targetEventId: c.id, reason: 'wrong' }, person), idOf);
    evolveConflicts(set, event('event.retracted', { targetEventId: late.id, reason: 'wrong' }, person), idOf);
    expect([...set.conflicts.values()].map((x) => [x.status, x.closedBy])).toEqual([['resolved', 'appointment']]);
  });
  it('given a rumoured re-appointment after both departures, then a story attached to it that confirms it closes their conflict; the outlet denying it later, or another outlet denying it, opens it again', () => {
    const [a, b] = [departed('2023'), departed('2025')];
    const rumour = event(
      'executive.appointed',
      { organization: 'org:openai', role: 'CTO', roleCategory: 'c-suite' },
      { ...person, occurredAt: '2024', modality: 'rumored' },
    );
    const word = (outlet: string, stance: 'confirms' | 'denies') =>
      event('event.sourced', { targetEventId: rumour.id, source: { outlet, language: 'en' }, stance }, person);
    const confirms = word('Le Monde', 'confirms');
    const set = fold(a, b, rumour, confirms);
    expect(states(set)).toEqual([['resolved', 'appointment', confirms.id, b.id]]);
    expect(set.newWords.map((w) => [w.factId, w.outlet, w.stance])).toEqual([[rumour.id, 'le monde', 'confirms']]);
    // Redelivered: nothing more.
    evolveConflicts(set, confirms, idOf);
    expect(set.newWords).toHaveLength(1);
    const denies = word('LE  MONDE', 'denies');
    evolveConflicts(set, denies, idOf);
    expect(states(set)).toEqual([['open', null, null, denies.id]]);
    position = 0;
    const [c, d] = [departed('2023'), departed('2025')];
    const other = event(
      'executive.appointed',
      { organization: 'org:openai', role: 'CTO', roleCategory: 'c-suite' },
      { ...person, occurredAt: '2024', modality: 'rumored' },
    );
    const one = event(
      'event.sourced',
      { targetEventId: other.id, source: { outlet: 'Reuters', language: 'en' }, stance: 'confirms' },
      person,
    );
    const two = event('event.sourced', { targetEventId: other.id, source: { outlet: 'AFP', language: 'en' }, stance: 'denies' }, person);
    expect(states(fold(c, d, other, one, two))).toEqual([['open', null, null, two.id]]);
  });

  it('given a story attached to a rumoured re-appointment before the later departure, then the two departures are no conflict; attached to a departure, nothing', () => {
    const rumour = event(
      'executive.appointed',
      { organization: 'org:openai', role: 'CTO', roleCategory: 'c-suite' },
      { ...person, occurredAt: '2024', modality: 'rumored' },
    );
    const a = departed('2023');
    const confirms = event(
      'event.sourced',
      { targetEventId: rumour.id, source: { outlet: 'Reuters', language: 'en' }, stance: 'confirms' },
      person,
    );
    expect(open(fold(a, rumour, confirms, departed('2025')))).toEqual([]);
    position = 0;
    const c = departed('2023');
    const d = departed('2025');
    const set = fold(
      c,
      d,
      event('event.sourced', { targetEventId: c.id, source: { outlet: 'Reuters', language: 'en' }, stance: 'confirms' }, person),
    );
    expect(open(set)).toEqual([[c.id, d.id, ['occurredAt']]]);
    expect(set.newWords).toEqual([]);
  });
});
