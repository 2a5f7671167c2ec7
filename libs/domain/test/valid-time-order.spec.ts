import { inValidTimeOrder, parsePeriod } from '../src';

/** A step: a label, its date, the order it was recorded in, and whether it counts (not denied, not a rumour). */
type Step = [label: string, date: string | null, order: number, counts?: boolean];

const place = ([, date, order, counts = true]: Step) => {
  const period = date === null ? null : parsePeriod(date);
  return period
    ? { start: Date.parse(period.start), end: Date.parse(period.end), order, counts }
    : { start: -Infinity, end: -Infinity, order, counts };
};

const ordered = (...steps: Step[]): string[] => inValidTimeOrder(steps, place).map(([label]) => label);

describe('inValidTimeOrder (steps in valid time: dates that do not overlap, then the order recorded)', () => {
  it('given dates that do not overlap, then they order the steps whatever the order recorded', () => {
    expect(ordered(['appeal', '2025-01', 1], ['settlement', '2024-09', 2], ['motion', '2024-03-10', 3])).toEqual([
      'motion',
      'settlement',
      'appeal',
    ]);
  });

  it('given an appeal dated only "2025" recorded before a motion of 2025-03, then the appeal comes first: a year holding the month is neither before nor after it', () => {
    expect(ordered(['settlement', '2024-06', 1], ['appeal', '2025', 2], ['motion', '2025-03', 3])).toEqual([
      'settlement',
      'appeal',
      'motion',
    ]);
    expect(ordered(['settlement', '2024-06', 1], ['motion', '2025-03', 2], ['appeal', '2025', 3])).toEqual([
      'settlement',
      'motion',
      'appeal',
    ]);
  });

  it('given periods that overlap without one holding the other (2025-H1 and 2025-Q2), then the order recorded', () => {
    expect(ordered(['b', '2025-Q2', 1], ['a', '2025-H1', 2])).toEqual(['b', 'a']);
    expect(ordered(['a', '2025-H1', 1], ['b', '2025-Q2', 2])).toEqual(['a', 'b']);
  });

  it('given three steps the dates order only in part (2025 holds 2025-01 and 2025-06, which are ordered), then a strict order is kept and ties go by recording', () => {
    // 2025-01 is surely before 2025-06 even though recorded after it; the year, recorded first, takes the first place it can.
    expect(ordered(['year', '2025', 1], ['june', '2025-06', 2], ['january', '2025-01', 3])).toEqual(['year', 'january', 'june']);
    expect(ordered(['june', '2025-06', 1], ['january', '2025-01', 2], ['year', '2025', 3])).toEqual(['january', 'june', 'year']);
  });

  it('given undated steps, then they come first, in the order recorded', () => {
    expect(ordered(['dated', '2024', 1], ['u2', null, 3], ['u1', null, 2])).toEqual(['u1', 'u2', 'dated']);
  });

  it('given steps that do not count among ones that do, then the counting ones keep their own order, and the others their place in valid time', () => {
    // Counting alone: 2025 (2) and 2025-01 (3) overlap, so 2025-01 is last; a rumour of 2025-06 surely after 2025-01 changes nothing of that.
    const steps: Step[] = [
      ['rumour', '2025-06', 1, false],
      ['year', '2025', 2],
      ['january', '2025-01', 3],
    ];
    const order = ordered(...steps);
    expect(order.filter((s) => s !== 'rumour')).toEqual(['year', 'january']);
    expect(order.indexOf('rumour')).toBeGreaterThan(order.indexOf('january'));
  });
});
