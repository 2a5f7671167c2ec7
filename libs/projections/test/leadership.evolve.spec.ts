import fc from 'fast-check';
import {
  evolveFact,
  LeadershipRow,
  leadershipModel,
  modalityStrength,
  type ProjectedEvent,
  rosterAt,
  tenuresOf,
} from '@newsroom/projections';
import { InMemoryFactTable } from './support/in-memory-fact-table.fixture';
import { appointed, correction, departed, event, recordedAtOf, resetClock, retraction } from './support/events.builder';

const given = (...events: Parameters<InMemoryFactTable['applyAll']>[0]) => new InMemoryFactTable(leadershipModel).applyAll(events);
const roster = (t: InMemoryFactTable, asOf: string | null = null, knownAt: string | null = null) =>
  rosterAt(tenuresOf(t.visible<LeadershipRow>(knownAt), asOf), asOf).map((x) => ({ person: x.person, role: x.role, certain: x.certain }));
/** The roster as the report lists it: who, interim or not, and the start's modality. */
const listed = (t: InMemoryFactTable, asOf: string | null = null, knownAt: string | null = null) =>
  rosterAt(tenuresOf(t.visible<LeadershipRow>(knownAt), asOf), asOf).map((x) => ({
    person: x.person,
    interim: x.interim,
    modality: x.start?.modality,
  }));

/**
 * The rows `leadership_runs` keeps (runEndSql), in JavaScript, for one group: in `tenuresOf`'s order, a departure not
 * right after one, a rumoured one or one right after a rumoured one, and an appointment that opens a run, ends one, is a
 * rumour (attached stories may confirm it), changes `interim` or is stronger than the one before.
 */
function keptOf(rows: LeadershipRow[]): LeadershipRow[] {
  const place = (r: LeadershipRow) => {
    const ends = r.kind === 'departed' && r.valid_to !== null;
    const at = ends ? r.valid_to : r.valid_from;
    return [at === null ? -Infinity : Date.parse(at), ends ? 0 : 1, Number(r.fact_position)];
  };
  const sorted = rows
    .filter((r) => r.modality !== 'denied')
    .map((r) => ({ r, p: place(r) }))
    .sort((a, b) => a.p[0] - b.p[0] || a.p[1] - b.p[1] || a.p[2] - b.p[2])
    .map(({ r }) => r);
  return sorted.filter((r, i) => {
    const prev = sorted[i - 1];
    const next = sorted[i + 1];
    if (r.kind === 'departed') return prev?.kind !== 'departed' || r.modality === 'rumored' || prev.modality === 'rumored';
    if (prev?.kind !== 'appointed' || next?.kind !== 'appointed' || r.modality === 'rumored') return true;
    return r.interim !== prev.interim || modalityStrength(r.modality) > modalityStrength(prev.modality);
  });
}

/** person:w appointed CEO of org:openai on `occurredAt`, reported with `modality`. */
const ceoAppointment = (modality: ProjectedEvent['modality'], occurredAt: string) =>
  event('executive.appointed', 'person:w', occurredAt, { organization: 'org:openai', role: 'CEO', roleCategory: 'c-suite' }, { modality });

describe('leadership: evolve and tenures', () => {
  beforeEach(() => resetClock());

  it('given an appointment then a departure, the tenure has both ends and nobody holds the role after', () => {
    const t = given(appointed('person:a', 'CTO', '2020-05'), departed('person:a', 'CTO', '2024-09'));
    const [tenure] = tenuresOf(t.visible());
    expect(tenure.start?.occurredAt).toBe('2020-05');
    expect(tenure.end?.occurredAt).toBe('2024-09');
    expect(roster(t)).toEqual([]);
    expect(roster(t, '2022-01-01T00:00:00Z')).toEqual([{ person: 'person:a', role: 'CTO', certain: true }]);
  });

  it('given a departure with no appointment on record, the tenure start is unknown', () => {
    const [tenure] = tenuresOf(given(departed('person:b', 'Head of Research', '2024-09')).visible());
    expect(tenure.start).toBeNull();
    expect(tenure.end?.occurredAt).toBe('2024-09');
    expect(tenure.reason).toBe('resigned');
  });

  it('as of a date between a departure and the successor appointment, the role is vacant', () => {
    const t = given(
      appointed('person:old', 'Chief Research Officer', '2021-01'),
      departed('person:old', 'Chief Research Officer', '2024-09-25'),
      appointed('person:new', 'Chief Research Officer', '2025-03'),
    );
    expect(roster(t, '2024-12-01T00:00:00Z')).toEqual([]);
    expect(roster(t, '2024-09-01T00:00:00Z')).toEqual([{ person: 'person:old', role: 'Chief Research Officer', certain: true }]);
    expect(roster(t, '2025-04-01T00:00:00Z')).toEqual([{ person: 'person:new', role: 'Chief Research Officer', certain: true }]);
    // Inside the month of the appointment the date is too coarse to be sure.
    expect(roster(t, '2025-03-10T00:00:00Z')).toEqual([{ person: 'person:new', role: 'Chief Research Officer', certain: false }]);
  });

  it('when the departure is corrected to a later date, the tenure ends then, and knownAt before shows the old end', () => {
    const dep = departed('person:c', 'CFO', '2024-03');
    const t = given(appointed('person:c', 'CFO', '2020'), dep);
    const beforeFix = recordedAtOf(2);
    t.apply(correction(dep, { occurredAt: '2024-10' }));
    expect(tenuresOf(t.visible<LeadershipRow>())[0].end).toMatchObject({ occurredAt: '2024-10', status: 'corrected' });
    expect(tenuresOf(t.visible<LeadershipRow>(beforeFix))[0].end).toMatchObject({ occurredAt: '2024-03', status: 'current' });
    expect(roster(t, '2024-06-01T00:00:00Z')).toHaveLength(1);
    expect(roster(t, '2024-06-01T00:00:00Z', beforeFix)).toHaveLength(0);
  });

  it('a second report of a departure (another outlet, another date) is the same departure: one tenure, the first date stands, never two roster lines', () => {
    const first = departed('person:m', 'CTO', '2024-09');
    const second = departed('person:m', 'CTO', '2024-10', { reason: 'fired' });
    const t = given(appointed('person:m', 'CTO', '2022-05'), first, second);
    const tenures = tenuresOf(t.visible());
    expect(tenures.map((x) => [x.start?.occurredAt, x.end?.eventId, x.reason])).toEqual([['2022-05', first.id, 'resigned']]);
    // Between the two dates the person is listed once (uncertain: the first date is a whole month).
    expect(roster(t, '2024-09-15T00:00:00Z')).toEqual([{ person: 'person:m', role: 'CTO', certain: false }]);
    expect(roster(t, '2024-10-15T00:00:00Z')).toEqual([]);
    // With no appointment on record, the two reports are one tenure of unknown start; retracting the first leaves the second.
    const earlier = departed('person:n', 'CTO', '2024-09');
    const alone = given(departed('person:n', 'CTO', '2024-10'), earlier);
    expect(tenuresOf(alone.visible()).map((x) => [x.start, x.end?.occurredAt])).toEqual([[null, '2024-09']]);
    alone.apply(retraction(earlier));
    expect(tenuresOf(alone.visible()).map((x) => [x.start, x.end?.occurredAt])).toEqual([[null, '2024-10']]);
    // A re-appointment between two departures makes them two tenures, as before.
    const back = given(
      departed('person:o', 'CTO', '2023-11-17'),
      appointed('person:o', 'CTO', '2023-11-21'),
      departed('person:o', 'CTO', '2025-01'),
    );
    expect(tenuresOf(back.visible()).map((x) => [x.start?.occurredAt ?? null, x.end?.occurredAt])).toEqual([
      [null, '2023-11-17'],
      ['2023-11-21', '2025-01'],
    ]);
  });

  it('a departure dated less precisely than the appointment it ends still ends it: a date is an interval, a departure placed at its end', () => {
    // Left in May, appointed on the 10th of May: one tenure of a few weeks, not an open one and a departure of unknown start.
    const may = given(appointed('person:s', 'CEO', '2024-05-10'), departed('person:s', 'CEO', '2024-05'));
    expect(tenuresOf(may.visible()).map((x) => [x.start?.occurredAt, x.end?.occurredAt])).toEqual([['2024-05-10', '2024-05']]);
    expect(roster(may)).toEqual([]);
    expect(roster(may, '2024-07-01T00:00:00Z')).toEqual([]);
    expect(roster(may, '2021-03-15T00:00:00Z')).toEqual([]);
    expect(roster(may, '2024-05-20T00:00:00Z')).toEqual([{ person: 'person:s', role: 'CEO', certain: false }]);
    // Left in 2024, appointed on 2024-03-15; and both in the same month, the departure recorded first.
    const year = given(departed('person:t', 'CFO', '2024'), appointed('person:t', 'CFO', '2024-03-15'));
    expect(tenuresOf(year.visible()).map((x) => [x.start?.occurredAt, x.end?.occurredAt])).toEqual([['2024-03-15', '2024']]);
    const same = given(departed('person:y', 'CFO', '2024-05'), appointed('person:y', 'CFO', '2024-05'));
    expect(tenuresOf(same.visible()).map((x) => [x.start?.occurredAt, x.end?.occurredAt])).toEqual([['2024-05', '2024-05']]);
    expect(roster(same)).toEqual([]);
    // A departure that ends the day before a re-appointment comes first: two tenures, the person in office again.
    const back = given(
      appointed('person:u', 'CTO', '2020'),
      appointed('person:u', 'CTO', '2024-05-11'),
      departed('person:u', 'CTO', '2024-05-10'),
    );
    expect(tenuresOf(back.visible()).map((x) => [x.start?.occurredAt, x.end?.occurredAt ?? null])).toEqual([
      ['2020', '2024-05-10'],
      ['2024-05-11', null],
    ]);
    expect(roster(back)).toEqual([{ person: 'person:u', role: 'CTO', certain: true }]);
  });

  it("a rumour confirmed later for the same date shows as confirmed, with the first report's date and id; knownAt before the confirmation shows the rumour", () => {
    const report = (modality: ProjectedEvent['modality']) =>
      event(
        'executive.appointed',
        'person:r',
        '2024-06-10',
        { organization: 'org:openai', role: 'CEO', roleCategory: 'c-suite' },
        { modality },
      );
    const t = given(report('rumored'));
    const beforeConfirmation = recordedAtOf(1);
    t.apply(report('confirmed'));
    const [tenure] = tenuresOf(t.visible<LeadershipRow>());
    expect(tenure.start).toMatchObject({ occurredAt: '2024-06-10', modality: 'confirmed', recordedAt: beforeConfirmation });
    expect(listed(t)).toEqual([{ person: 'person:r', interim: false, modality: 'confirmed' }]);
    expect(listed(t, null, beforeConfirmation)).toEqual([{ person: 'person:r', interim: false, modality: 'rumored' }]);
    expect(listed(t, '2024-07-01T00:00:00Z')).toEqual([{ person: 'person:r', interim: false, modality: 'confirmed' }]);
  });

  it("a confirmed start names the report it is confirmed by and its outlets, its own id and sources staying the rumour's", () => {
    const report = (modality: ProjectedEvent['modality'], outlet: string, occurredAt = '2025-01-15') =>
      event(
        'executive.appointed',
        'person:x',
        occurredAt,
        { organization: 'org:a', role: 'CTO', roleCategory: 'c-suite' },
        { modality, sources: [{ outlet, url: `https://${outlet.replace(/ /g, '')}.example/1`, language: 'en' }] },
      );
    const rumour = report('rumored', 'Rumour Mill');
    const confirmation = report('confirmed', 'Official Wire');
    const t = given(rumour);
    const beforeConfirmation = recordedAtOf(1);
    t.apply(confirmation);
    const start = (asOf: string | null = null, knownAt: string | null = null) => {
      const s = rosterAt(tenuresOf(t.visible<LeadershipRow>(knownAt), asOf), asOf)[0].start!;
      return {
        eventId: s.eventId,
        modality: s.modality,
        outlets: s.sources.map((x) => x.outlet),
        modalityFrom: s.modalityFrom && {
          eventId: s.modalityFrom.eventId,
          modality: s.modalityFrom.modality,
          outlets: s.modalityFrom.sources.map((x) => x.outlet),
        },
      };
    };
    const confirmed = {
      eventId: rumour.id,
      modality: 'confirmed',
      outlets: ['Rumour Mill'],
      modalityFrom: { eventId: confirmation.id, modality: 'confirmed', outlets: ['Official Wire'] },
    };
    expect(start()).toEqual(confirmed);
    expect(start('2025-02-01T00:00:00Z')).toEqual(confirmed);
    // Known before the confirmation: the rumour, backed by its own report.
    expect(start(null, beforeConfirmation)).toEqual({
      eventId: rumour.id,
      modality: 'rumored',
      outlets: ['Rumour Mill'],
      modalityFrom: null,
    });
    // The start's own report the strongest (a later rumour of the day, or an equal report): no other fact to name.
    const own = given(report('confirmed', 'Official Wire'), report('rumored', 'Rumour Mill'), report('confirmed', 'Other Wire'));
    expect(tenuresOf(own.visible<LeadershipRow>())[0].start).toMatchObject({ modality: 'confirmed', modalityFrom: null });
    // Rumoured, reported, confirmed, confirmed again: the first confirmation is the one named.
    const steps = given(report('rumored', 'A'), report('reported', 'B'), report('confirmed', 'C'), report('confirmed', 'D'));
    expect(tenuresOf(steps.visible<LeadershipRow>())[0].start?.modalityFrom?.sources.map((x) => x.outlet)).toEqual(['C']);
    // A confirmation of another date (July for a rumour of the 15th of January) confirms nothing: the end has none either.
    const other = given(
      report('rumored', 'A'),
      report('confirmed', 'B', '2025-07'),
      departed('person:x', 'CTO', '2025-09', { organization: 'org:a' }),
    );
    const [tenure] = tenuresOf(other.visible<LeadershipRow>());
    expect([tenure.start?.modality, tenure.start?.modalityFrom, tenure.end?.modalityFrom]).toEqual(['rumored', null, null]);
  });

  it('as of a date, a confirmation dated within a coarse start counts from its own date, and is named from then', () => {
    const june = given(ceoAppointment('rumored', '2024-06'), ceoAppointment('confirmed', '2024-06-20'));
    const confirmationId = june.visible<LeadershipRow>().find((r) => r.modality === 'confirmed')!.fact_id;
    const named = (asOf: string | null) =>
      rosterAt(tenuresOf(june.visible<LeadershipRow>(), asOf), asOf)[0].start?.modalityFrom?.eventId ?? null;
    expect(named('2024-06-10T00:00:00Z')).toBeNull();
    expect(named('2024-06-25T00:00:00Z')).toBe(confirmationId);
    expect(named(null)).toBe(confirmationId);
  });

  it("a later report counts for the start only when dated within the start's date, and as of a date only once dated by then", () => {
    // Rumoured for June, confirmed for the 20th of June and reported again in July.
    const june = given(
      ceoAppointment('rumored', '2024-06'),
      ceoAppointment('reported', '2024-07-02'),
      ceoAppointment('confirmed', '2024-06-20'),
    );
    expect(listed(june).map((x) => x.modality)).toEqual(['confirmed']);
    expect(listed(june, '2024-06-10T00:00:00Z').map((x) => x.modality)).toEqual(['rumored']);
    expect(listed(june, '2024-06-25T00:00:00Z').map((x) => x.modality)).toEqual(['confirmed']);
    // Rumoured for the 10th, reported for July: another date, the start stays a rumour.
    const later = given(ceoAppointment('rumored', '2024-06-10'), ceoAppointment('reported', '2024-07'));
    expect(listed(later).map((x) => x.modality)).toEqual(['rumored']);
    // A weaker later report changes nothing.
    expect(
      listed(given(ceoAppointment('confirmed', '2024-06-10'), ceoAppointment('rumored', '2024-06-10'))).map((x) => x.modality),
    ).toEqual(['confirmed']);
  });

  it('as of a date, the interim status in force then: interim from January, permanent from June', () => {
    const t = given(
      appointed('person:i', 'CEO', '2024-01-15', { interim: true }),
      appointed('person:i', 'CEO', '2024-06-01', { interim: false }),
    );
    expect(listed(t, '2024-03-01T00:00:00Z')).toEqual([{ person: 'person:i', interim: true, modality: 'reported' }]);
    expect(listed(t, '2024-07-01T00:00:00Z')).toEqual([{ person: 'person:i', interim: false, modality: 'reported' }]);
    expect(listed(t)).toEqual([{ person: 'person:i', interim: false, modality: 'reported' }]);
    expect(tenuresOf(t.visible<LeadershipRow>()).map((x) => x.interim)).toEqual([false]);
    // Interim again from September (a third appointment): as of October interim, as of July not.
    t.apply(appointed('person:i', 'CEO', '2024-09', { interim: true }));
    expect(listed(t, '2024-10-01T00:00:00Z').map((x) => x.interim)).toEqual([true]);
    expect(listed(t, '2024-07-01T00:00:00Z').map((x) => x.interim)).toEqual([false]);
  });

  it('pairing the rows leadership_runs keeps gives what pairing every row gives, as of any date', () => {
    const DATES = [null, '2024', '2024-03', '2024-03-10', '2024-03-10', '2024-06', '2024-06-20', '2025-01'];
    const AS_OF = [
      null,
      '2024-03-05T00:00:00Z',
      '2024-03-10T12:00:00Z',
      '2024-06-25T00:00:00Z',
      '2024-12-31T00:00:00Z',
      '2026-01-01T00:00:00Z',
    ];
    const step = fc.record({
      kind: fc.constantFrom('appointed', 'appointed', 'appointed', 'departed'),
      date: fc.nat(DATES.length - 1),
      modality: fc.constantFrom('rumored', 'reported', 'confirmed', 'denied'),
      interim: fc.boolean(),
      // A story denying the fact (it sets a rumoured departure aside).
      deniedByStance: fc.boolean(),
      // Stories attached to the fact confirming it (a rumoured appointment then counts as confirmed).
      confirmedByStance: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 14 }), (steps) => {
        resetClock();
        const events = steps.map((s) =>
          event(
            `executive.${s.kind}`,
            'person:k',
            DATES[s.date],
            {
              organization: 'org:openai',
              role: 'CEO',
              roleCategory: 'c-suite',
              interim: s.interim,
              ...(s.kind === 'departed' ? { reason: 'resigned' } : {}),
            },
            { modality: s.modality },
          ),
        );
        const rows = given(...events).visible<LeadershipRow>();
        const kept = keptOf(rows);
        // The denials are read at query time, beside the kept rows (which leave the denied facts out).
        const denied = new Set(events.filter((_, i) => steps[i].deniedByStance).map((e) => e.id));
        const deniedClaims = rows.filter((r) => r.kind === 'departed' && r.modality === 'denied');
        const confirmed = new Set(events.filter((_, i) => steps[i].confirmedByStance).map((e) => e.id));
        for (const options of [
          {},
          { deniedByStance: (id: string) => denied.has(id) },
          { deniedByStance: (id: string) => denied.has(id), confirmedByStance: (id: string) => confirmed.has(id) },
        ]) {
          const withDenials = [...kept, ...deniedClaims];
          for (const asOf of AS_OF)
            expect(rosterAt(tenuresOf(withDenials, asOf, undefined, options), asOf)).toEqual(
              rosterAt(tenuresOf(rows, asOf, undefined, options), asOf),
            );
          expect(tenuresOf(withDenials, null, undefined, options)).toEqual(tenuresOf(rows, null, undefined, options));
        }
      }),
      { numRuns: 400, seed: 52 },
    );
  });

  describe('a rumoured departure, and its denial (t14: the roster dropped an executive on one rumour the company denied)', () => {
    const withEnd = (
      t: InMemoryFactTable,
      asOf: string | null = null,
      knownAt: string | null = null,
      deniedByStance?: (id: string) => boolean,
    ) =>
      rosterAt(tenuresOf(t.visible<LeadershipRow>(knownAt), asOf, undefined, { deniedByStance }), asOf).map((x) => ({
        person: x.person,
        certain: x.certain,
        end: x.end && { occurredAt: x.end.occurredAt, modality: x.end.modality },
      }));
    const lightcap = 'person:t14-brad-lightcap';
    const coo = (occurredAt: string, modality: ProjectedEvent['modality'], kind: 'appointed' | 'departed' = 'departed') => ({
      ...(kind === 'appointed' ? appointed : departed)(lightcap, 'COO', occurredAt, { organization: 'org:t14-openai' }),
      modality,
    });

    it('a rumour alone leaves the holder on the roster after its date, not certain, with the rumoured end shown', () => {
      const t = given(coo('2018-05', 'reported', 'appointed'), coo('2025-03', 'rumored'));
      const rumoured = { person: lightcap, certain: false, end: { occurredAt: '2025-03', modality: 'rumored' } };
      expect(withEnd(t)).toEqual([rumoured]);
      expect(withEnd(t, '2025-06-01T00:00:00Z')).toEqual([rumoured]);
      expect(withEnd(t, '2025-03-15T00:00:00Z')).toEqual([rumoured]);
      // Before the rumour's date: in office, certain, the rumoured end ahead.
      expect(withEnd(t, '2024-01-01T00:00:00Z')).toEqual([{ ...rumoured, certain: true }]);
      const [tenure] = tenuresOf(t.visible<LeadershipRow>());
      expect(tenure.end?.modality).toBe('rumored');
    });

    it('a denied departure of the same claim sets the rumour aside; at a knownAt before the denial, the rumour shows', () => {
      const t = given(coo('2018-05', 'reported', 'appointed'), coo('2025-03', 'rumored'), coo('2025-03-20', 'denied'));
      const inOffice = { person: lightcap, certain: true, end: null };
      expect(withEnd(t)).toEqual([inOffice]);
      expect(withEnd(t, '2025-06-01T00:00:00Z')).toEqual([inOffice]);
      expect(tenuresOf(t.visible<LeadershipRow>())[0].end).toBeNull();
      expect(withEnd(t, null, recordedAtOf(2))).toEqual([
        { person: lightcap, certain: false, end: { occurredAt: '2025-03', modality: 'rumored' } },
      ]);
    });

    it('a denial sets aside the rumours it answers, not a rumour dated after it: that is news again, whenever either was recorded', () => {
      const inOffice = { person: lightcap, certain: true, end: null };
      const answered = [
        coo('2018-05', 'reported', 'appointed'),
        coo('2025-03', 'rumored'),
        coo('2025-03', 'denied'),
        // Recorded after the denial, dated before it: the denial answered it already.
        coo('2025-02-20', 'rumored'),
      ];
      expect(withEnd(given(...answered))).toEqual([inOffice]);
      // A rumour of September surfaces after the March denial: the holder is uncertain again, its end shown.
      const september = coo('2025-09', 'rumored');
      const later = given(...answered, september);
      const rumoured = { person: lightcap, certain: false, end: { occurredAt: '2025-09', modality: 'rumored' } };
      expect(withEnd(later)).toEqual([rumoured]);
      expect(withEnd(later, '2025-10-01T00:00:00Z')).toEqual([rumoured]);
      // Before the September rumour's date, in office and certain, that rumoured end ahead.
      expect(withEnd(later, '2025-06-01T00:00:00Z')).toEqual([{ ...rumoured, certain: true }]);
      // A denial of a year holding the rumour answers it.
      expect(withEnd(given(...answered, september, coo('2025', 'denied')))).toEqual([inOffice]);
    });

    it('a story denying the rumour sets it aside too; a later reported departure still ends the tenure', () => {
      const t = given(coo('2018-05', 'reported', 'appointed'), coo('2025-02-10', 'rumored'));
      const rumour = t.visible<LeadershipRow>().find((r) => r.modality === 'rumored')!.fact_id;
      expect(withEnd(t, null, null, (id) => id === rumour)).toEqual([{ person: lightcap, certain: true, end: null }]);
      const later = given(coo('2018-05', 'reported', 'appointed'), coo('2025-02-10', 'rumored'), coo('2025-07', 'reported'));
      expect(withEnd(later)).toEqual([]);
      // The reported departure ends it in the rumour's place: as of between the two, in office (certain), its end ahead.
      expect(withEnd(later, '2025-04-01T00:00:00Z')).toEqual([
        { person: lightcap, certain: true, end: { occurredAt: '2025-07', modality: 'reported' } },
      ]);
      expect(tenuresOf(later.visible<LeadershipRow>()).map((x) => x.end?.occurredAt)).toEqual(['2025-07']);
    });

    it('a rumoured end gives way to a later tenure of the same role: the person is listed once', () => {
      const t = given(coo('2018-05', 'reported', 'appointed'), coo('2025-03', 'rumored'), coo('2025-09', 'reported', 'appointed'));
      expect(tenuresOf(t.visible<LeadershipRow>()).map((x) => [x.start?.occurredAt, x.end?.modality ?? null])).toEqual([
        ['2018-05', 'rumored'],
        ['2025-09', null],
      ]);
      expect(withEnd(t)).toEqual([{ person: lightcap, certain: true, end: null }]);
      expect(withEnd(t, '2025-06-01T00:00:00Z')).toEqual([
        { person: lightcap, certain: false, end: { occurredAt: '2025-03', modality: 'rumored' } },
      ]);
      expect(withEnd(t, '2025-10-01T00:00:00Z')).toEqual([{ person: lightcap, certain: true, end: null }]);
    });
  });

  it('when a departure is retracted, the person holds the role again; knownAt before the retraction shows them gone', () => {
    const dep = departed('person:d', 'COO', '2024-05');
    const t = given(appointed('person:d', 'COO', '2019'), dep);
    const beforeRetraction = recordedAtOf(2);
    t.apply(retraction(dep));
    expect(roster(t)).toEqual([{ person: 'person:d', role: 'COO', certain: true }]);
    expect(roster(t, null, beforeRetraction)).toEqual([]);
  });

  it('a rumour-only appointment is on the roster not certain, as a rumoured departure leaves its holder; a report of it, once dated by then, makes it certain', () => {
    const t = given(ceoAppointment('rumored', '2024-06-10'));
    const beforeReport = recordedAtOf(1);
    t.apply(ceoAppointment('reported', '2024-07'));
    const holder = (certain: boolean) => [{ person: 'person:w', role: 'CEO', certain }];
    expect(roster(t, null, beforeReport)).toEqual(holder(false));
    expect(roster(t, '2024-08-01T00:00:00Z', beforeReport)).toEqual(holder(false));
    // The July report is another date (the start stays a rumour) but says the holder is in office: from July, certain.
    expect(roster(t)).toEqual(holder(true));
    expect(roster(t, '2024-06-20T00:00:00Z')).toEqual(holder(false));
    expect(roster(t, '2024-08-01T00:00:00Z')).toEqual(holder(true));
    expect(listed(t, '2024-08-01T00:00:00Z')).toEqual([{ person: 'person:w', interim: false, modality: 'rumored' }]);
  });

  it('a denied appointment never makes anyone a role holder', () => {
    const t = given(
      appointed('person:e', 'CEO', '2024-01', {}),
      event(
        'executive.appointed',
        'person:f',
        '2024-02',
        { organization: 'org:openai', role: 'CEO', roleCategory: 'c-suite' },
        { modality: 'denied' },
      ),
    );
    expect(roster(t).map((x) => x.person)).toEqual(['person:e']);
    expect(
      t
        .visible()
        .map((r) => r.modality)
        .sort(),
    ).toEqual(['denied', 'reported']);
  });

  it('ignores an amendment of a retracted fact, of a fact it does not hold, and of an unknown id', () => {
    const dep = departed('person:h', 'CTO', '2024-05');
    const t = given(dep, retraction(dep));
    const before = t.snapshot();
    expect(evolveFact(leadershipModel, t.stateOf(dep.id), correction(dep, { occurredAt: '2024-06' }))).toEqual([]);
    const headcount = event('headcount.reported', 'org:openai', '2024', { total: 3 });
    t.applyAll([
      headcount,
      correction(headcount, { data: { total: 4 } }),
      retraction({ ...dep, id: '00000000-0000-4000-8000-000000000000' }),
    ]);
    expect(t.snapshot()).toEqual(before);
  });

  it('redelivering events (facts and amendments) changes nothing', () => {
    const app = appointed('person:g', 'CPO', '2024-06');
    const fix = correction(app, { data: { role: 'Chief Product Officer' } });
    const t = given(app, fix);
    const before = t.snapshot();
    expect(evolveFact(leadershipModel, t.stateOf(app.id), fix)).toEqual([]);
    t.applyAll([app, fix]);
    expect(t.snapshot()).toEqual(before);
    expect(t.visible<LeadershipRow>()[0].role_key).toBe('chief product officer');
  });

  describe('slugs of one merged organization pair as one (D5: the roster listed one person twice for one role)', () => {
    // org:r4b merged into org:r4a: the graph's canonicalOf, as the report reads it at knownAt.
    const merged = (o: string) => (o === 'org:r4b' ? 'org:r4a' : o);
    const story = () =>
      given(
        appointed('person:r4', 'Chief Technology Officer', '2022', { organization: 'org:r4a' }),
        departed('person:r4', 'Chief Technology Officer', '2024-11', { organization: 'org:r4b' }),
      );
    const shown = (tenures: ReturnType<typeof tenuresOf>) =>
      tenures.map((x) => ({
        person: x.person,
        organization: x.organization,
        start: x.start && [x.start.occurredAt, x.start.organization],
        end: x.end && [x.end.occurredAt, x.end.organization],
        certain: x.certain,
      }));

    it('an appointment under one slug and the departure under the merged one are one tenure, each bound naming its slug', () => {
      const rows = story().visible<LeadershipRow>();
      expect(shown(tenuresOf(rows, null, merged))).toEqual([
        { person: 'person:r4', organization: 'org:r4a', start: ['2022', 'org:r4a'], end: ['2024-11', 'org:r4b'], certain: undefined },
      ]);
      // As of 2024-06: once, the start (2022) over by then and the end (November) not begun: certain.
      expect(shown(rosterAt(tenuresOf(rows, '2024-06-01T00:00:00.000Z', merged), '2024-06-01T00:00:00.000Z'))).toEqual([
        { person: 'person:r4', organization: 'org:r4a', start: ['2022', 'org:r4a'], end: ['2024-11', 'org:r4b'], certain: true },
      ]);
      // Now: nobody holds the role.
      expect(rosterAt(tenuresOf(rows, null, merged), null)).toEqual([]);
    });

    it('apart (before the merge was known, or after its reversal), they are two tenures, each under its own slug', () => {
      const rows = story().visible<LeadershipRow>();
      expect(shown(tenuresOf(rows))).toEqual([
        { person: 'person:r4', organization: 'org:r4b', start: null, end: ['2024-11', 'org:r4b'], certain: undefined },
        { person: 'person:r4', organization: 'org:r4a', start: ['2022', 'org:r4a'], end: null, certain: undefined },
      ]);
    });

    it("a tenure of unknown start ended by a rumour under one slug and confirmed under the other takes the confirmation's slug, as the paged SQL does", () => {
      const data = (organization: string) => ({ organization, role: 'CTO', roleCategory: 'c-suite', reason: 'resigned' });
      const t = given(
        event('executive.departed', 'person:r6', '2024-03', data('org:r4a'), { modality: 'rumored' }),
        event('executive.departed', 'person:r6', '2024-03', data('org:r4b'), { modality: 'confirmed' }),
      );
      expect(shown(tenuresOf(t.visible<LeadershipRow>(), null, merged))).toEqual([
        { person: 'person:r6', organization: 'org:r4b', start: null, end: ['2024-03', 'org:r4b'], certain: undefined },
      ]);
    });

    it('pairs in valid time across the slugs: a departure under the other slug between two appointments ends the first', () => {
      const t = given(
        appointed('person:r5', 'CTO', '2021-01', { organization: 'org:r4a' }),
        appointed('person:r5', 'CTO', '2022-01', { organization: 'org:r4a' }),
        appointed('person:r5', 'CTO', '2023-01', { organization: 'org:r4a' }),
        departed('person:r5', 'CTO', '2021-06', { organization: 'org:r4b' }),
        // Another organization altogether is never joined.
        departed('person:r5', 'CTO', '2022-06', { organization: 'org:other' }),
      );
      const tenures = tenuresOf(t.visible<LeadershipRow>(), null, merged);
      expect(tenures.map((x) => [x.organization, x.start?.occurredAt ?? null, x.end?.occurredAt ?? null])).toEqual([
        ['org:other', null, '2022-06'],
        ['org:r4a', '2021-01', '2021-06'],
        // The appointment of 2022 opens the second tenure (the one of 2023 repeats it).
        ['org:r4a', '2022-01', null],
      ]);
    });
  });
});
