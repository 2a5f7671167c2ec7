import {
  appointedBetween,
  claimsOf,
  conflictName,
  conflictsOfStream,
  contradictions,
  decideResolution,
  denialAnswersRumour,
  denialContradictsReport,
  disagreement,
  foldStream,
  reappointedBetween,
  reappointmentKeyOf,
  validTimeOf,
} from '@newsroom/domain';
import { given, thrown } from './fixtures/decider.fixture';
import { correction, eventId, retraction, streamOf, type EventSpec } from './fixtures/stream.fixture';

const loss = (amount: string, period = '2024-H1', basis = 'actual'): EventSpec => [
  'financial.loss_reported',
  { money: { amount, currency: 'USD' }, period, basis },
];
const departed = (occurredAt: string, destination?: string, role: unknown = 'Chief Technology Officer'): EventSpec => [
  'executive.departed',
  { organization: 'org:openai', role, roleCategory: 'c-suite', ...(destination ? { destination } : {}) },
  occurredAt,
];
const fact = (spec: EventSpec, subject = 'org:openai') => ({ type: spec[0], subject, occurredAt: spec[2] ?? '2024', data: spec[1] });
// Any function of the name will do for the rules; ingest and the read model use UUIDv5.
const idOf = (name: string) => `id(${name})`;

describe('claims: what a standing fact says about which thing', () => {
  it('given a loss, then its key is organization, metric, basis and period (the period as an interval)', () => {
    const [a] = claimsOf(fact(loss('5000000000', '2024-H1')));
    const [b] = claimsOf(fact(loss('5000000000', '2024-01-01/2024-06-30')));
    expect(a.key).toBe('financial|org:openai|loss|actual|2024-01-01T00:00:00.000Z/2024-07-01T00:00:00.000Z');
    expect(b.key).toBe(a.key);
    expect(a.value).toMatchObject({ metric: 'loss', basis: 'actual', amount: '5000000000', currency: 'USD' });
  });

  it('given another basis or another period, then it is another thing', () => {
    const [a] = claimsOf(fact(loss('1', '2024-H1', 'actual')));
    expect(claimsOf(fact(loss('1', '2024-H1', 'projected')))[0].key).not.toBe(a.key);
    expect(claimsOf(fact(loss('1', '2024-H2')))[0].key).not.toBe(a.key);
  });

  it('given a headcount, then the total and each function are claims at its date', () => {
    const claims = claimsOf(fact(['headcount.reported', { total: 1600, byFunction: { Commercial: 300 } }, '2024-12']));
    expect(claims.map((c) => c.key)).toEqual([
      'financial|org:openai|headcount|total|2024-12-01T00:00:00.000Z/2025-01-01T00:00:00.000Z',
      'financial|org:openai|headcount|commercial|2024-12-01T00:00:00.000Z/2025-01-01T00:00:00.000Z',
    ]);
  });

  it('given a departure, then its key is person, organization and role (case and spacing folded, a per-language role by its English)', () => {
    const [a] = claimsOf(fact(departed('2024-09'), 'person:mira-murati'));
    const [b] = claimsOf(
      fact(departed('2024-09', undefined, { en: 'chief  technology officer', fr: 'directrice technique' }), 'person:mira-murati'),
    );
    expect(a.key).toBe('departure|person:mira-murati|org:openai|chief technology officer');
    expect(b.key).toBe(a.key);
  });

  it('given a role in French only, then the glossary gives its English and the key is the same thing', () => {
    const [a] = claimsOf(fact(departed('2024-09'), 'person:mira-murati'));
    const [b] = claimsOf(fact(departed('2024-10', undefined, { fr: 'directrice technique' }), 'person:mira-murati'));
    expect(b.key).toBe(a.key);
  });

  it('given a role typed with combining accents or a curly apostrophe, then its key is the role typed with precomposed letters (t31)', () => {
    const role = 'Chargé des événements spéciaux';
    const [a] = claimsOf(fact(departed('2024-06', undefined, { fr: role }), 'person:luc-morel'));
    const [b] = claimsOf(fact(departed('2024-09', undefined, { fr: role.normalize('NFD') }), 'person:luc-morel'));
    const [c] = claimsOf(fact(departed('2024-09', undefined, { fr: role.toUpperCase().normalize('NFD') }), 'person:luc-morel'));
    expect(a.key).toBe('departure|person:luc-morel|org:openai|chargé des événements spéciaux');
    expect([b.key, c.key]).toEqual([a.key, a.key]);
    const [d] = claimsOf(fact(departed('2024-09', undefined, "Directeur de l'innovation"), 'person:luc-morel'));
    const [e] = claimsOf(fact(departed('2024-09', undefined, 'directeur de l’innovation'), 'person:luc-morel'));
    expect(e.key).toBe(d.key);
  });

  it('given case steps, then only outcomes that exclude one another make claims', () => {
    expect(claimsOf(fact(['lawsuit.status_changed', { status: 'dismissed' }, '2025-03-04'], 'case:musk-v-openai'))[0].key).toBe(
      'lawsuit|case:musk-v-openai|outcome',
    );
    expect(claimsOf(fact(['lawsuit.status_changed', { status: 'motion_filed' }, '2025-03-04'], 'case:musk-v-openai'))).toEqual([]);
    expect(claimsOf(fact(['product.announced', { product: 'product:sora', name: 'Sora' }]))).toEqual([]);
  });
});

describe('disagreement: which claims of one key contradict each other', () => {
  const one = (spec: EventSpec, subject?: string) => claimsOf(fact(spec, subject))[0];

  it('given two amounts for the same half-year, then they disagree on the amount; the same amount written otherwise agrees', () => {
    expect(disagreement(one(loss('5000000000')), one(loss('3000000000')))).toEqual(['amount']);
    expect(disagreement(one(loss('5000000000')), one(loss('5000000000.00')))).toEqual([]);
  });

  it('given amounts in two currencies, then they are not compared', () => {
    const eur = one(['financial.loss_reported', { money: { amount: '1', currency: 'EUR' }, period: '2024-H1', basis: 'actual' }]);
    expect(disagreement(one(loss('5')), eur)).toEqual([]);
  });

  it('given departure dates that cannot both be true, then they disagree; a month and a day in it agree', () => {
    const p = 'person:mira-murati';
    expect(disagreement(one(departed('2024-09'), p), one(departed('2024-10-02'), p))).toEqual(['occurredAt']);
    expect(disagreement(one(departed('2024-09'), p), one(departed('2024-09-25'), p))).toEqual([]);
  });

  it('given two destinations, then they disagree; one side silent on it does not', () => {
    const p = 'person:mira-murati';
    expect(disagreement(one(departed('2024-09', 'org:anthropic'), p), one(departed('2024-09', 'Thinking Machines'), p))).toEqual([
      'destination',
    ]);
    expect(disagreement(one(departed('2024-09', 'org:anthropic'), p), one(departed('2024-09'), p))).toEqual([]);
  });

  it('given two outcomes on the same date, then they disagree; on different dates they follow each other', () => {
    const c = 'case:musk-v-openai';
    const step = (s: string, at: string) => one(['lawsuit.status_changed', { status: s }, at], c);
    expect(disagreement(step('dismissed', '2025-03-04'), step('settled', '2025-03-04'))).toEqual(['status']);
    expect(disagreement(step('dismissed', '2025-03-04'), step('settled', '2025-06-01'))).toEqual([]);
  });
});

describe('a denial and the departures of its claim, by their dates', () => {
  const p = 'person:brad-lightcap';
  const as = (modality: string, spec: EventSpec) => claimsOf({ ...fact(spec, p), modality })[0];
  const denial = (at: string) => as('denied', departed(at));
  const report = (at: string, modality = 'reported') => as(modality, departed(at));

  it('given a denial dated before a reported departure, then no conflict: the person may have left later', () => {
    expect(disagreement(denial('2025-03'), report('2025-09-01'))).toEqual([]);
    expect(disagreement(report('2025-09-01'), denial('2025-03'))).toEqual([]);
    // Within a coarser date that runs past the denial: the departure may have come after it.
    expect(disagreement(denial('2025-03-10'), report('2025'))).toEqual([]);
    expect(disagreement(denial('2024-09-10'), report('2024-09'))).toEqual([]);
  });

  it('given a denial dated on or after a reported or confirmed departure, then they contradict each other, on its modality', () => {
    expect(disagreement(denial('2024-09-25'), report('2024-09-25'))).toEqual(['modality']);
    expect(disagreement(denial('2024-09'), report('2024-09-25', 'confirmed'))).toEqual(['modality']);
    expect(disagreement(report('2024-09-25'), denial('2025-01'))).toEqual(['modality']);
    // Undated on either side: nothing places the denial before the report.
    const undated = claimsOf({ ...fact(departed('2024'), p), occurredAt: null, modality: 'denied' })[0];
    expect(undated.value.occurredAt).toBeNull();
    expect(disagreement(undated, report('2024-09-25'))).toEqual(['modality']);
  });

  it('given a rumour and a denial, then never a conflict, whatever their dates or destinations: the denial answers it or speaks of an earlier time', () => {
    for (const at of ['2025-03', '2025-02-10', '2025-09', '2024']) {
      expect(disagreement(report(at, 'rumored'), denial('2025-03'))).toEqual([]);
      expect(disagreement(denial('2025-03'), report(at, 'rumored'))).toEqual([]);
    }
    expect(disagreement(as('rumored', departed('2025-03', 'org:anthropic')), as('denied', departed('2025-03', 'org:meta')))).toEqual([]);
  });

  it('given two denials, then they never contradict each other', () => {
    expect(disagreement(denial('2025-03'), denial('2025-09'))).toEqual([]);
  });

  it('given two reports, then the dates and destinations decide as before, rumours included', () => {
    expect(disagreement(report('2025-03', 'rumored'), report('2025-09'))).toEqual(['occurredAt']);
    expect(disagreement(report('2025-03'), report('2025-03-20', 'confirmed'))).toEqual([]);
  });

  it('given a denial, then it answers a rumour not dated wholly after it: the same date, an earlier one, a period holding it; undated ones too', () => {
    const d = validTimeOf('2025-03');
    expect(denialAnswersRumour(d, validTimeOf('2025-03'))).toBe(true);
    expect(denialAnswersRumour(d, validTimeOf('2025-02-10'))).toBe(true);
    expect(denialAnswersRumour(d, validTimeOf('2025'))).toBe(true);
    expect(denialAnswersRumour(d, validTimeOf('2025-03-31T23:59:59Z'))).toBe(true);
    expect(denialAnswersRumour(d, validTimeOf('2025-04-01'))).toBe(false);
    expect(denialAnswersRumour(d, validTimeOf('2025-09'))).toBe(false);
    expect(denialAnswersRumour(validTimeOf(null), validTimeOf('2030'))).toBe(true);
    expect(denialAnswersRumour(d, validTimeOf(null))).toBe(true);
  });

  it('given a denial, then it contradicts a report whose date ends by the end of its own', () => {
    const d = validTimeOf('2025-03');
    expect(denialContradictsReport(d, validTimeOf('2025-03-31'))).toBe(true);
    expect(denialContradictsReport(d, validTimeOf('2024-12'))).toBe(true);
    expect(denialContradictsReport(d, validTimeOf('2025-04-01'))).toBe(false);
    expect(denialContradictsReport(d, validTimeOf('2025-Q1'))).toBe(true);
    expect(denialContradictsReport(d, validTimeOf('2025-H1'))).toBe(false);
  });

  it('given a stream, then ingest reads each departure as recorded (denied, rumoured, reported) as the read model does', () => {
    const events = streamOf(p, departed('2025-03'), departed('2025-03'), departed('2025-03'), departed('2025-09-01'));
    const modalities = ['rumored', 'denied', 'reported', 'reported'] as const;
    const state = foldStream(
      p,
      events.map((e, i) => ({ ...e, modality: modalities[i] })),
    );
    // The denial contradicts the report of its own date, not the rumour nor the report of September.
    expect(conflictsOfStream(state, idOf).map((c) => [c.a.factId, c.b.factId, c.fields])).toEqual([
      [eventId(2), eventId(3), ['modality']],
      [eventId(1), eventId(4), ['occurredAt']],
      [eventId(3), eventId(4), ['occurredAt']],
    ]);
  });
});

describe('contradictions and conflicts of a stream', () => {
  it('given three figures A, B, B, then A conflicts with each B and the two Bs agree', () => {
    const pairs = contradictions([loss('5'), loss('3'), loss('3')].map((s, i) => ({ factId: eventId(i + 1), ...fact(s) })));
    expect(pairs.map((p) => [p.a.factId, p.b.factId])).toEqual([
      [eventId(1), eventId(2)],
      [eventId(1), eventId(3)],
    ]);
  });

  it('given a conflict name, then it does not depend on the order of its facts', () => {
    expect(conflictName('k', eventId(2), eventId(1))).toBe(conflictName('k', eventId(1), eventId(2)));
  });

  it('given one side retracted or corrected to agree, then the stream has no conflict left', () => {
    expect(conflictsOfStream(given('org:openai', loss('5'), loss('3')), idOf)).toHaveLength(1);
    expect(conflictsOfStream(given('org:openai', loss('5'), loss('3'), retraction(2)), idOf)).toEqual([]);
    expect(
      conflictsOfStream(
        given('org:openai', loss('5'), loss('3'), correction(2, { data: { money: { amount: '5', currency: 'USD' } } })),
        idOf,
      ),
    ).toEqual([]);
  });
});

describe('decideResolution', () => {
  const state = given('org:openai', loss('5000000000'), loss('3000000000'));
  const [conflict] = conflictsOfStream(state, idOf);

  it('given an open conflict and one of its sides, then a conflict.resolved names the standing side, the other and the reason', () => {
    const event = decideResolution(state, conflict.id, { standingEventId: eventId(2), reason: 'the filing says 3 billion' }, idOf);
    expect(event).toMatchObject({
      type: 'conflict.resolved',
      subject: 'org:openai',
      data: { conflictId: conflict.id, standingEventId: eventId(2), otherEventId: eventId(1), reason: 'the filing says 3 billion' },
    });
  });

  it('given an unknown conflict, then CONFLICT.NOT_FOUND (not_found)', () => {
    const e = thrown(() => decideResolution(state, 'nope', { standingEventId: eventId(2), reason: 'x' }, idOf));
    expect(e).toMatchObject({ code: 'CONFLICT.NOT_FOUND', kind: 'not_found' });
  });

  it('given a fact that is not a side, then a validation error on standingEventId', () => {
    const e = thrown(() => decideResolution(state, conflict.id, { standingEventId: eventId(9), reason: 'x' }, idOf));
    expect(e.errors).toEqual([expect.objectContaining({ path: 'standingEventId' })]);
  });

  it('given the conflict closed by a retraction, then it can no longer be resolved', () => {
    const closed = given('org:openai', loss('5000000000'), loss('3000000000'), retraction(1));
    expect(thrown(() => decideResolution(closed, conflict.id, { standingEventId: eventId(2), reason: 'x' }, idOf)).code).toBe(
      'CONFLICT.NOT_FOUND',
    );
  });
});

describe('a re-appointment between two departures of one role (two departures, no conflict)', () => {
  const person = 'person:bret-taylor';
  const appointed = (
    occurredAt: string,
    modality: 'reported' | 'rumored' | 'denied' = 'reported',
    role = 'Chief Technology Officer',
  ): EventSpec => ['executive.appointed', { organization: 'org:openai', role, roleCategory: 'c-suite' }, occurredAt, modality];
  const between = (x: string, y: string, appointment: string) => appointedBetween(validTimeOf(x), validTimeOf(y), validTimeOf(appointment));
  const pairsOf = (...specs: EventSpec[]) =>
    conflictsOfStream(foldStream(person, streamOf(person, ...specs)), idOf).map((c) => [c.a.factId, c.b.factId, c.fields]);

  it('given an appointment beginning after the earlier departure ended and before the later one ends, then it lies between them, in either order', () => {
    expect(between('2023', '2025', '2024-03')).toBe(true);
    expect(between('2025', '2023', '2024-03')).toBe(true);
    expect(between('2023-05-02', '2024-09-30', '2023-05-03')).toBe(true);
  });

  it('given coarse dates, then the appointment counts from its start and each departure from its end (as the roster pairs them)', () => {
    // "2024" begins on 1 January, after a departure of 2023 and before one of 2024-11 ends: the roster shows two tenures.
    expect(between('2023', '2024-11', '2024')).toBe(true);
    // A departure dated "2024" may be in December: an appointment of 2024-03 may come before it.
    expect(between('2024', '2025-03', '2024-03')).toBe(false);
    // A departure ending as the appointment begins comes first.
    expect(between('2023-12-31', '2025', '2024-01-01')).toBe(true);
  });

  it('given an appointment before both, after both, or undated on any side, then it lies between nothing', () => {
    expect(between('2023', '2025', '2022-06')).toBe(false);
    expect(between('2023', '2025-03', '2025-06')).toBe(false);
    expect(between('2023', '2025-03-10', '2025-03-11')).toBe(false);
    // Within the later departure's coarse date, it may come before it: between (a departure of 2025 ends an
    // appointment of 2025 on the roster too).
    expect(between('2023', '2025', '2025-06')).toBe(true);
    expect(appointedBetween(validTimeOf(null), validTimeOf('2025'), validTimeOf('2024'))).toBe(false);
    expect(appointedBetween(validTimeOf('2023'), validTimeOf('2025'), validTimeOf(null))).toBe(false);
    expect(reappointedBetween(validTimeOf('2023'), validTimeOf('2025'), [validTimeOf('2022'), validTimeOf('2024-03')])).toBe(true);
    expect(reappointedBetween(validTimeOf('2023'), validTimeOf('2025'), [])).toBe(false);
  });

  it('given a reported or confirmed appointment, then it speaks to the departure key of its person, organization and role; a rumour or a denial to none', () => {
    const f = (spec: EventSpec) => ({ ...fact(spec, person), modality: spec[3] });
    const [departure] = claimsOf(fact(departed('2025', undefined, 'chief  technology OFFICER'), person));
    expect(reappointmentKeyOf(f(appointed('2024')))).toBe(departure.key);
    expect(reappointmentKeyOf(f(appointed('2024', 'rumored')))).toBeNull();
    expect(reappointmentKeyOf(f(appointed('2024', 'denied')))).toBeNull();
    expect(reappointmentKeyOf(f(departed('2024')))).toBeNull();
  });

  it('given departures of 2023 and 2025 with a re-appointment of 2024 recorded between them, then the stream has no conflict; without it, one', () => {
    expect(pairsOf(departed('2023'), appointed('2024-03'), departed('2025'))).toEqual([]);
    expect(pairsOf(departed('2023'), departed('2025'))).toEqual([[eventId(1), eventId(2), ['occurredAt']]]);
  });

  it('given the appointment outside the two, of another role, rumoured or retracted, then the departures still conflict', () => {
    const conflict = [[eventId(1), eventId(3), ['occurredAt']]];
    expect(pairsOf(departed('2023'), appointed('2022'), departed('2025'))).toEqual(conflict);
    expect(pairsOf(departed('2023'), appointed('2024', 'reported', 'Chief Executive Officer'), departed('2025'))).toEqual(conflict);
    expect(pairsOf(departed('2023'), appointed('2024', 'rumored'), departed('2025'))).toEqual(conflict);
    expect(pairsOf(departed('2023'), appointed('2024'), departed('2025'), retraction(2))).toEqual(conflict);
  });

  it('given a departure, a re-appointment and a denial after it, then no conflict; a denial before the re-appointment still contradicts the departure', () => {
    const denied = (occurredAt: string): EventSpec => {
      const [type, data] = departed(occurredAt);
      return [type, data, occurredAt, 'denied'];
    };
    expect(pairsOf(departed('2023-05'), appointed('2024-02'), denied('2025-03'))).toEqual([]);
    expect(pairsOf(departed('2023-05'), denied('2023-11'), appointed('2024-02'))).toEqual([[eventId(1), eventId(2), ['modality']]]);
  });

  it('given departures across a re-appointment, then ingest refuses to resolve their pair: no such conflict stands (the read model opened none)', () => {
    const withoutIt = conflictsOfStream(foldStream(person, streamOf(person, departed('2023'), departed('2025'))), idOf)[0];
    const state = foldStream(person, streamOf(person, departed('2023'), appointed('2024-03'), departed('2025')));
    const id = idOf(conflictName(withoutIt.key, eventId(1), eventId(3)));
    expect(thrown(() => decideResolution(state, id, { standingEventId: eventId(3), reason: 'x' }, idOf)).code).toBe('CONFLICT.NOT_FOUND');
  });

  it('given the appointment recorded after both departures, then ingest finds no conflict, as the read model closed it when the appointment was recorded', () => {
    expect(pairsOf(departed('2023'), departed('2025'), appointed('2024'))).toEqual([]);
  });

  it('given that late appointment retracted or corrected out of the two dates, then the conflict stands again, as the read model reopened it', () => {
    const conflict = [[eventId(1), eventId(2), ['occurredAt']]];
    expect(pairsOf(departed('2023'), departed('2025'), appointed('2024'), retraction(3))).toEqual(conflict);
    expect(pairsOf(departed('2023'), departed('2025'), appointed('2024'), correction(3, { occurredAt: '2026-01' }))).toEqual(conflict);
    expect(pairsOf(departed('2023'), departed('2025'), appointed('2026'), correction(3, { occurredAt: '2024-06' }))).toEqual([]);
  });
});
