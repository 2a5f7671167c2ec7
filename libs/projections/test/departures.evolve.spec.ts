import { departureRoleKey, DepartureRow, departuresModel, groupDepartures, roleKeyOf } from '@newsroom/projections';
import { InMemoryFactTable } from './support/in-memory-fact-table.fixture';
import { appointed, correction, departed, recordedAtOf, resetClock, retraction } from './support/events.builder';

const groups = (t: InMemoryFactTable, by: 'month' | 'quarter' | 'year' | 'roleCategory', knownAt: string | null = null) => {
  const g = groupDepartures(t.visible<DepartureRow>(knownAt), by, (r) => r.subject);
  return { groups: g.groups.map((x) => [x.key, x.items.sort()]), unplaced: g.unplaced.items };
};

describe('departures: evolve and grouping', () => {
  beforeEach(() => resetClock());

  it('keeps departures only, one row each', () => {
    const t = new InMemoryFactTable(departuresModel).applyAll([
      appointed('person:a', 'CTO', '2020'),
      departed('person:b', 'CFO', '2024-05'),
    ]);
    expect(t.visible().map((r) => r.subject)).toEqual(['person:b']);
  });

  it('groups by quarter, and does not guess a quarter for a departure dated more coarsely', () => {
    const t = new InMemoryFactTable(departuresModel).applyAll([
      departed('person:a', 'Chief Scientist', '2024-05-14'),
      departed('person:b', 'Lead', '2024-05'),
      departed('person:c', 'CTO', '2024-09'),
      departed('person:d', 'Head', '2023-12/2024-12'),
    ]);
    expect(groups(t, 'quarter')).toEqual({
      groups: [
        ['2024-Q2', ['person:a', 'person:b']],
        ['2024-Q3', ['person:c']],
      ],
      unplaced: ['person:d'],
    });
    expect(groups(t, 'year')).toEqual({ groups: [['2024', ['person:a', 'person:b', 'person:c']]], unplaced: ['person:d'] });
    expect(groups(t, 'month').groups.map(([k]) => k)).toEqual(['2024-05', '2024-09']);
  });

  it('counts departures, not reports: a denied report counts for nothing, two reports of one departure in a bucket count once; all are listed', () => {
    const denied = departed('person:c', 'CFO', '2024-08');
    const t = new InMemoryFactTable(departuresModel).applyAll([
      departed('person:a', 'CTO', '2024-09'),
      departed('person:a', 'cto', '2024-09-25'),
      departed('person:b', 'CTO', '2024-09'),
      { ...denied, modality: 'denied' },
      departed('person:d', 'Head', '2023-12/2024-12'),
      departed('person:d', 'Head', '2023-12/2024-12'),
    ]);
    const g = groupDepartures(t.visible<DepartureRow>(null), 'quarter', (r) => r.subject);
    expect(g.groups.map((x) => [x.key, x.count, x.reports, x.items.length])).toEqual([['2024-Q3', 2, 4, 4]]);
    expect([g.unplaced.count, g.unplaced.reports]).toEqual([1, 2]);
    // The caller gives the canonical names: an alias of person:a is the same person.
    const canonical = (s: string) => (s === 'person:b' ? 'person:a' : s);
    const merged = groupDepartures(t.visible<DepartureRow>(null), 'quarter', (r) => r.subject, canonical);
    expect(merged.groups[0].count).toBe(1);
  });

  it('counts one departure for one role however its case and spacing differ, and for a French-only role the glossary names, as the roster and conflicts fold it', () => {
    const t = new InMemoryFactTable(departuresModel).applyAll([
      departed('person:a', 'Chief People Officer', '2024-04-02'),
      departed('person:a', ' chief  people  officer ', '2024-06-02'),
      departed('person:b', 'Chief Technology Officer', '2024-05'),
      departed('person:b', { fr: 'directrice technique' } as unknown as string, '2024-05-20'),
      departed('person:c', 'Chief People Officer', '2024-05'),
    ]);
    const g = groupDepartures(t.visible<DepartureRow>(null), 'year', (r) => r.subject);
    expect(g.groups.map((x) => [x.key, x.count, x.reports])).toEqual([['2024', 3, 5]]);
    expect(departureRoleKey({ role: ' chief  people  officer ', role_i18n: null })).toBe(roleKeyOf('Chief People Officer'));
    // By quarter all five reports fall in 2024-Q2; by month person:a's two fall in April and June, and count in each.
    expect(
      groupDepartures(t.visible<DepartureRow>(null), 'quarter', (r) => r.subject).groups.map((x) => [x.key, x.count, x.reports]),
    ).toEqual([['2024-Q2', 3, 5]]);
    expect(
      groupDepartures(t.visible<DepartureRow>(null), 'month', (r) => r.subject).groups.map((x) => [x.key, x.count, x.reports]),
    ).toEqual([
      ['2024-04', 1, 1],
      ['2024-05', 2, 3],
      ['2024-06', 1, 1],
    ]);
  });

  it('groups by role category', () => {
    const t = new InMemoryFactTable(departuresModel).applyAll([
      departed('person:a', 'CTO', '2024-09'),
      departed('person:b', 'Researcher', '2024-05', { roleCategory: 'research' }),
    ]);
    expect(groups(t, 'roleCategory').groups).toEqual([
      ['c-suite', ['person:a']],
      ['research', ['person:b']],
    ]);
  });

  it('when a date is corrected, the departure moves quarter; knownAt before the correction still shows the old quarter', () => {
    const dep = departed('person:a', 'CTO', '2024-03');
    const t = new InMemoryFactTable(departuresModel).applyAll([dep]);
    t.apply(correction(dep, { occurredAt: '2024-09-25' }));
    expect(groups(t, 'quarter').groups).toEqual([['2024-Q3', ['person:a']]]);
    expect(groups(t, 'quarter', recordedAtOf(1)).groups).toEqual([['2024-Q1', ['person:a']]]);
  });

  it('when a correction gives a new inferred list, the new version carries it, knownAt before shows the old, a plain correction keeps it', () => {
    const note = (n: string) => [{ path: 'occurredAt', note: n }];
    const dep = departed('person:a', 'CTO', '2024-09', {});
    dep.metadata = { ...dep.metadata, inferred: note('month from other reporting') };
    const t = new InMemoryFactTable(departuresModel).applyAll([dep]);
    t.apply(correction(dep, { occurredAt: '2024-09-25', inferred: [] }, 'the outlet states the day'));
    expect(t.visible<DepartureRow>().map((r) => r.inferred)).toEqual([[]]);
    expect(t.visible<DepartureRow>(recordedAtOf(1)).map((r) => r.inferred)).toEqual([note('month from other reporting')]);
    t.apply(correction(dep, { inferred: note('the day is the company blog') }));
    t.apply(correction(dep, { data: { reason: 'fired' } }));
    expect(t.visible<DepartureRow>().map((r) => [r.reason, r.inferred])).toEqual([['fired', note('the day is the company blog')]]);
  });

  it('when a correction removes a field its inferred list names, the list no longer names it', () => {
    const dep = departed('person:a', 'CTO', '2024-09', { reason: 'resigned' });
    dep.metadata = {
      ...dep.metadata,
      inferred: [
        { path: 'data.reason', note: 'from the tone of the memo' },
        { path: 'occurredAt', note: 'month from other reporting' },
      ],
    };
    const t = new InMemoryFactTable(departuresModel).applyAll([dep]);
    t.apply(correction(dep, { data: { reason: null } }, 'no outlet gives a reason'));
    expect(t.visible<DepartureRow>().map((r) => [r.reason ?? null, r.inferred])).toEqual([
      [null, [{ path: 'occurredAt', note: 'month from other reporting' }]],
    ]);
  });

  it('when a departure is retracted, it leaves every grouping', () => {
    const dep = departed('person:a', 'CTO', '2024-03');
    const t = new InMemoryFactTable(departuresModel).applyAll([dep, retraction(dep)]);
    expect(groups(t, 'quarter')).toEqual({ groups: [], unplaced: [] });
    expect(t.rows.size).toBe(1);
    expect([...t.rows.values()][0]).toMatchObject({ superseded_by: 'retracted', end_reason: 'wrong' });
  });
});
