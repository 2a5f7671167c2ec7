import { parsePeriod } from '@newsroom/domain';

describe('parsePeriod', () => {
  it.each([
    ['2024', 'year', '2024-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'],
    ['2024-H1', 'half', '2024-01-01T00:00:00.000Z', '2024-07-01T00:00:00.000Z'],
    ['2024-H2', 'half', '2024-07-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'],
    ['2024-Q1', 'quarter', '2024-01-01T00:00:00.000Z', '2024-04-01T00:00:00.000Z'],
    ['2024-Q3', 'quarter', '2024-07-01T00:00:00.000Z', '2024-10-01T00:00:00.000Z'],
    ['2024-Q4', 'quarter', '2024-10-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'],
    ['2024-02', 'month', '2024-02-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z'],
    ['2024-12', 'month', '2024-12-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'],
    ['2024-02-29', 'day', '2024-02-29T00:00:00.000Z', '2024-03-01T00:00:00.000Z'],
    ['2024-12-31', 'day', '2024-12-31T00:00:00.000Z', '2025-01-01T00:00:00.000Z'],
    ['2024-09-25T10:00:00Z', 'instant', '2024-09-25T10:00:00.000Z', '2024-09-25T10:00:00.001Z'],
    ['2024-09-25T10:00:00.123456+02:00', 'instant', '2024-09-25T08:00:00.123Z', '2024-09-25T08:00:00.124Z'],
    ['2024-12-31T23:30:00-05:30', 'instant', '2025-01-01T05:00:00.000Z', '2025-01-01T05:00:00.001Z'],
    ['2024-09-25t10:00:00z', 'instant', '2024-09-25T10:00:00.000Z', '2024-09-25T10:00:00.001Z'],
  ])('given %s, when parsed, then precision is %s and [start, end) is [%s, %s)', (text, precision, start, end) => {
    expect(parsePeriod(text)).toEqual({ text, precision, start, end });
  });

  describe('ranges', () => {
    it.each([
      ['2024-03/2024-Q3', '2024-03-01T00:00:00.000Z', '2024-10-01T00:00:00.000Z'],
      ['2025/2029', '2025-01-01T00:00:00.000Z', '2030-01-01T00:00:00.000Z'],
      ['2024-H1/2024-H1', '2024-01-01T00:00:00.000Z', '2024-07-01T00:00:00.000Z'],
      ['2024-09-25/2024-10-02', '2024-09-25T00:00:00.000Z', '2024-10-03T00:00:00.000Z'],
      ['2024-09-25T10:00:00Z/2024-09-25T12:00:00Z', '2024-09-25T10:00:00.000Z', '2024-09-25T12:00:00.001Z'],
      ['2024-Q1/2024-02', '2024-01-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z'],
      // The second part's end bounds the range, not its start: to the end of 2024, and late on 31 December (UTC-5) to the next day.
      ['2024-06-15/2024', '2024-06-15T00:00:00.000Z', '2025-01-01T00:00:00.000Z'],
      ['2024-12-31T23:00:00-05:00/2025-01-01', '2025-01-01T04:00:00.000Z', '2025-01-02T00:00:00.000Z'],
    ])('given the range %s, when parsed, then it spans the start of the first to the end of the second', (text, start, end) => {
      expect(parsePeriod(text)).toEqual({ text, precision: 'range', start, end });
    });

    it.each(['2024-Q3/2024-03', '2029/2025', '2024-09-25/2024-09-24', '2024/2025/2026', '2024/', '/2024', '2024/2024-13'])(
      'given %j, when parsed, then it is rejected',
      (text) => {
        expect(parsePeriod(text)).toBeNull();
      },
    );

    it('given two instants in one millisecond, then the digits past it decide: ending before it starts is rejected, at or after kept', () => {
      expect(parsePeriod('2024-01-01T10:00:00.0019Z/2024-01-01T10:00:00.0011Z')).toBeNull();
      expect(parsePeriod('2024-01-01T10:00:00.9999Z/2024-01-01T10:00:00.9991Z')).toBeNull();
      expect(parsePeriod('2024-01-01T10:00:00.000000002Z/2024-01-01T10:00:00.000000001Z')).toBeNull();
      for (const text of ['2024-01-01T10:00:00.0011Z/2024-01-01T10:00:00.0019Z', '2024-01-01T10:00:00.0011Z/2024-01-01T10:00:00.0011Z']) {
        expect(parsePeriod(text)).toMatchObject({ precision: 'range', start: '2024-01-01T10:00:00.001Z', end: '2024-01-01T10:00:00.002Z' });
      }
      // The same instant written in two offsets is one instant.
      expect(parsePeriod('2024-01-01T11:00:00.0015+01:00/2024-01-01T10:00:00.0015Z')).not.toBeNull();
    });
  });

  it.each([
    '2024-02-30',
    '2023-02-29',
    '2024-04-31',
    '2024-13',
    '2024-00',
    '2024-01-00',
    '2024-H3',
    '2024-Q5',
    '2024-Q0',
    '24',
    '20245',
    '0999',
    '2024-1',
    '2024-01-1',
    '2024-09-25T24:00:00Z',
    '2024-09-25T10:60:00Z',
    '2024-09-25T10:00:60Z',
    '2024-09-25T10:00:00',
    '2024-09-25T10:00Z',
    '2024-09-25 10:00:00Z',
    '2024-09-25T10:00:00+24:00',
    'yesterday',
    '',
  ])('given %j, when parsed, then it is null', (text) => {
    expect(parsePeriod(text)).toBeNull();
  });

  it('given a leap year day, when parsed, then the calendar is respected', () => {
    expect(parsePeriod('2000-02-29')).not.toBeNull();
    expect(parsePeriod('1900-02-29')).toBeNull();
  });

  it('given the last storable year, when parsed, then its end is the next year', () => {
    expect(parsePeriod('9998')?.end).toBe('9999-01-01T00:00:00.000Z');
    expect(parsePeriod('9997/9998')?.precision).toBe('range');
  });

  // Found by tests/e2e/fuzz-write: the end of 9999 is "+010000-01-01T00:00:00.000Z", which Postgres refuses (a 500).
  it.each(['9999', '9999-H2', '9999-Q4', '9999-12', '9999-12-31', '9999-12-31T23:59:59Z', '9998/9999', '0999'])(
    'given %s, when parsed, then it is invalid',
    (text) => {
      expect(parsePeriod(text)).toBeNull();
    },
  );

  it('given an instant whose offset moves it past 9998, when parsed, then its end is still storable', () => {
    expect(parsePeriod('9998-12-31T23:59:59-23:59')?.end).toBe('9999-01-01T23:58:59.001Z');
  });
});
