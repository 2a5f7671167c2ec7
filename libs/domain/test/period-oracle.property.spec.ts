import fc from 'fast-check';
import { isoInstant, isPeriod, parsePeriod, type Period, type PeriodPrecision } from '@newsroom/domain';

/**
 * The parser as it was before it computed bounds as numbers (Date objects and ISO text per part), frozen here as
 * the oracle: the faster one must accept, reject and bound every text exactly as this one did, since stored
 * events' occurred_start/occurred_end and every report's valid time come from it.
 */
const YEAR = /^(\d{4})$/;
const HALF = /^(\d{4})-H([12])$/;
const QUARTER = /^(\d{4})-Q([1-4])$/;
const MONTH = /^(\d{4})-(\d{2})$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
function utc(year: number, monthIndex: number, day = 1): number {
  const d = new Date(0);
  d.setUTCFullYear(year, monthIndex, day);
  return d.getTime();
}
const iso = (ms: number) => new Date(ms).toISOString();
const daysInMonth = (year: number, month: number) => new Date(utc(year, month, 0)).getUTCDate();
const validYear = (y: number) => y >= 1000 && y <= 9998;
const validDay = (y: number, m: number, d: number) => validYear(y) && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
const span = (text: string, precision: PeriodPrecision, start: number, end: number): Period => ({
  text,
  precision,
  start: iso(start),
  end: iso(end),
});
function legacyDateTime(text: string): Period | null {
  const m = DATE_TIME.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  if (!validDay(y, mo, d) || h > 23 || mi > 59 || s > 59) return null;
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone !== 'Z' && zone !== 'z') {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 23 || om > 59) return null;
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const millis = m[7] ? Number(m[7].slice(1, 4).padEnd(3, '0')) : 0;
  const start = utc(y, mo - 1, d) + ((h * 60 + mi) * 60 + s) * 1000 + millis - offsetMinutes * 60_000;
  return span(text, 'instant', start, start + 1);
}
function legacySingle(text: string): Period | null {
  let m: RegExpExecArray | null;
  if ((m = YEAR.exec(text))) return validYear(Number(m[1])) ? span(text, 'year', utc(Number(m[1]), 0), utc(Number(m[1]) + 1, 0)) : null;
  if ((m = HALF.exec(text))) {
    const [y, first] = [Number(m[1]), (Number(m[2]) - 1) * 6];
    return validYear(y) ? span(text, 'half', utc(y, first), utc(y, first + 6)) : null;
  }
  if ((m = QUARTER.exec(text))) {
    const [y, first] = [Number(m[1]), (Number(m[2]) - 1) * 3];
    return validYear(y) ? span(text, 'quarter', utc(y, first), utc(y, first + 3)) : null;
  }
  if ((m = MONTH.exec(text))) {
    const [y, mo] = [Number(m[1]), Number(m[2])];
    return validYear(y) && mo >= 1 && mo <= 12 ? span(text, 'month', utc(y, mo - 1), utc(y, mo)) : null;
  }
  if ((m = DAY.exec(text))) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    return validDay(y, mo, d) ? span(text, 'day', utc(y, mo - 1, d), utc(y, mo - 1, d + 1)) : null;
  }
  return legacyDateTime(text);
}
function legacyParsePeriod(s: string): Period | null {
  if (typeof s !== 'string' || s.length > 100) return null;
  const parts = s.split('/');
  if (parts.length === 1) return legacySingle(s);
  if (parts.length !== 2) return null;
  const from = legacySingle(parts[0]);
  const to = legacySingle(parts[1]);
  if (!from || !to) return null;
  if (Date.parse(to.end) <= Date.parse(from.start)) return null;
  return { text: s, precision: 'range', start: from.start, end: to.end };
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
/** Period-like texts near every edge: years around 1000 and 9998, month 0-13, day 0-32, leap days, odd zones. */
const single = fc.oneof(
  fc.integer({ min: 990, max: 10005 }).map((y) => pad(y, 4)),
  fc
    .tuple(fc.integer({ min: 999, max: 9999 }), fc.constantFrom('H', 'Q'), fc.integer({ min: 0, max: 5 }))
    .map(([y, k, n]) => `${pad(y, 4)}-${k}${n}`),
  fc.tuple(fc.integer({ min: 999, max: 9999 }), fc.integer({ min: 0, max: 13 })).map(([y, m]) => `${pad(y, 4)}-${pad(m, 2)}`),
  fc
    .tuple(
      fc.constantFrom(1000, 1900, 2000, 2023, 2024, 2100, 9998, 9999),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
    )
    .map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`),
  fc
    .tuple(
      fc.constantFrom(1000, 2024, 9998),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 31 }),
      fc.integer({ min: 0, max: 24 }),
      fc.integer({ min: 0, max: 60 }),
      fc.integer({ min: 0, max: 60 }),
      fc.constantFrom('', '.1', '.123', '.123456789', '.1234567890'),
      fc.constantFrom('Z', 'z', '+02:00', '-05:30', '+23:59', '+24:00', '-00:60', '+14:00'),
      fc.constantFrom('T', 't', ' '),
    )
    .map(
      ([y, mo, d, h, mi, s, frac, zone, t]) =>
        `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}${t}${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${frac}${zone}`,
    ),
  fc.string({ maxLength: 12 }),
);
const text = fc.oneof(
  single,
  fc.tuple(single, single).map(([a, b]) => `${a}/${b}`),
  fc.array(single, { minLength: 3, maxLength: 3 }).map((p) => p.join('/')),
);

describe('parsePeriod against the parser it replaced (the same periods, bounds and rejections)', () => {
  it('gives what the old parser gave for every text, and isPeriod says whether it parses', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(parsePeriod(s)).toEqual(legacyParsePeriod(s));
        expect(isPeriod(s)).toBe(legacyParsePeriod(s) !== null);
      }),
      { numRuns: 20_000 },
    );
  });

  it('agrees on the edges: the first and last years, leap days, ranges ending before they start, over-long text', () => {
    for (const s of [
      '1000',
      '0999',
      '9998',
      '9999',
      '2024-02-29',
      '2023-02-29',
      '1900-02-29',
      '2000-02-29',
      '2025/2024',
      '2024/2024-Q1',
      '1000-01-01T00:00:00+01:00',
      'x'.repeat(101),
      '2024//2025',
      '/2024',
      '2024/',
    ]) {
      expect(parsePeriod(s)).toEqual(legacyParsePeriod(s));
      expect(isPeriod(s)).toBe(legacyParsePeriod(s) !== null);
    }
  });
});

describe('isoInstant', () => {
  it('writes what toISOString writes, for every millisecond from year 0 to 9999 and beyond', () => {
    const yearZero = Date.parse('0000-01-01T00:00:00.000Z');
    const end = Date.parse('9999-12-31T23:59:59.999Z');
    fc.assert(
      fc.property(fc.integer({ min: yearZero - 10 * 86_400_000, max: end + 10 * 86_400_000 }), (ms) => {
        expect(isoInstant(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 50_000 },
    );
    for (const ms of [yearZero, end, 0, -1, 951_782_400_000, Date.parse('1900-03-01T00:00:00Z'), Date.parse('2000-02-29T23:59:59.999Z')])
      expect(isoInstant(ms)).toBe(new Date(ms).toISOString());
  });
});
