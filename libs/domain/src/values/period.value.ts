import { z } from 'zod';

export type PeriodPrecision = 'year' | 'half' | 'quarter' | 'month' | 'day' | 'instant' | 'range';

/** A date or period kept with its precision; [start, end) as ISO-8601 UTC instants. */
export interface Period {
  text: string;
  precision: PeriodPrecision;
  start: string;
  end: string;
}

const YEAR = /^(\d{4})$/;
const HALF = /^(\d{4})-H([12])$/;
const QUARTER = /^(\d{4})-Q([1-4])$/;
const MONTH = /^(\d{4})-(\d{2})$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
// RFC 3339 date-time; T and Z may be lower case per the RFC.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

export const MIN_YEAR = 1000;
/**
 * The end of year 9999 is year 10000, whose ISO text is "+010000-01-01T..." and which Postgres refuses as a
 * timestamptz ("time zone displacement out of range"): an event dated 9999 was a 500 on HTTP and a STORE.REJECTED
 * dead letter on Kafka (found by tests/e2e/fuzz-write). Periods stop at 9998, so every start and end is storable.
 */
export const MAX_YEAR = 9998;
const MS_PER_MINUTE = 60_000;

/** A period's precision and bounds, [start, end) in epoch milliseconds: what parsing decides, before any text is made. */
interface Bounds {
  precision: PeriodPrecision;
  start: number;
  end: number;
  /** An instant's digits past the millisecond (nanoseconds, 0-999,999): the bounds keep milliseconds only. */
  subMs?: number;
}

// Every year reaching here is checked to be at least MIN_YEAR first, so Date.UTC's mapping of years 0..99 to
// 1900..1999 never applies; month and day overflow (month 12, day 32) roll over as the period ends need.
const utc = (year: number, monthIndex: number, day = 1): number => Date.UTC(year, monthIndex, day);

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);
const MS_PER_DAY = 86_400_000;

/**
 * `new Date(ms).toISOString()`, computed (days to civil date, H. Hinnant's algorithm) rather than through a Date:
 * toISOString cost about a microsecond a call, twice per period, and every event's period is parsed by ingest and
 * again by each read model. Years outside 0-9999, which toISOString writes with a sign, go through Date.
 */
export function isoInstant(ms: number): string {
  const days = Math.floor(ms / MS_PER_DAY);
  let rest = ms - days * MS_PER_DAY;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1_460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  if (!Number.isInteger(ms) || year < 0 || year > 9999) return new Date(ms).toISOString();
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const mi = Math.floor(rest / 60_000);
  rest -= mi * 60_000;
  const sec = Math.floor(rest / 1000);
  const y = year < 1000 ? String(year).padStart(4, '0') : String(year);
  return `${y}-${pad2(month)}-${pad2(day)}T${pad2(h)}:${pad2(mi)}:${pad2(sec)}.${pad3(rest - sec * 1000)}Z`;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeapYear = (y: number): boolean => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);

/** Days in month `month` (1-12) of year `y`. */
function daysInMonth(y: number, month: number): number {
  return month === 2 && isLeapYear(y) ? 29 : DAYS_IN_MONTH[month - 1];
}

function validYear(y: number): boolean {
  return y >= MIN_YEAR && y <= MAX_YEAR;
}

function validDay(y: number, m: number, d: number): boolean {
  return validYear(y) && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

function parseDateTime(text: string): Bounds | null {
  const m = DATE_TIME.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  // Leap second 60 is not representable as an instant; reject rather than silently shift it.
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
  const subMs = m[7] && m[7].length > 4 ? Number(m[7].slice(4).padEnd(6, '0')) : 0;
  const start = utc(y, mo - 1, d) + ((h * 60 + mi) * 60 + s) * 1000 + millis - offsetMinutes * MS_PER_MINUTE;
  // An instant is the smallest representable interval, so overlap queries still find it.
  return { precision: 'instant', start, end: start + 1, subMs };
}

function parseSingle(text: string): Bounds | null {
  // Each form has one length (a date-time at least 20, a half, quarter or month 7, told apart by their sixth
  // character): a text is only tried against the form its length and that character leave.
  let m: RegExpExecArray | null;
  switch (text.length) {
    case 4:
      if (!(m = YEAR.exec(text))) return null;
      return year(Number(m[1]));
    case 7:
      if (text[5] === 'H') {
        if (!(m = HALF.exec(text))) return null;
        return months(Number(m[1]), (Number(m[2]) - 1) * 6, 6, 'half');
      }
      if (text[5] === 'Q') {
        if (!(m = QUARTER.exec(text))) return null;
        return months(Number(m[1]), (Number(m[2]) - 1) * 3, 3, 'quarter');
      }
      if (!(m = MONTH.exec(text))) return null;
      return Number(m[2]) >= 1 && Number(m[2]) <= 12 ? months(Number(m[1]), Number(m[2]) - 1, 1, 'month') : null;
    case 10: {
      if (!(m = DAY.exec(text))) return null;
      const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
      return validDay(y, mo, d) ? { precision: 'day', start: utc(y, mo - 1, d), end: utc(y, mo - 1, d + 1) } : null;
    }
    default:
      return parseDateTime(text);
  }
}

function year(y: number): Bounds | null {
  return validYear(y) ? { precision: 'year', start: utc(y, 0), end: utc(y + 1, 0) } : null;
}

/** `count` months from month index `first` of year `y`. */
function months(y: number, first: number, count: number, precision: PeriodPrecision): Bounds | null {
  return validYear(y) ? { precision, start: utc(y, first), end: utc(y, first + count) } : null;
}

/** The bounds of a period's text (see parsePeriod); null when invalid. */
function boundsOf(s: string): Bounds | null {
  if (typeof s !== 'string' || s.length > 100) return null;
  const slash = s.indexOf('/');
  if (slash < 0) return parseSingle(s);
  if (s.indexOf('/', slash + 1) >= 0) return null;
  const from = parseSingle(s.slice(0, slash));
  const to = parseSingle(s.slice(slash + 1));
  // A range runs from its first part's start to its second's end, so it is empty only when that end is not after
  // that start: `2024-06-15/2024` (to the end of 2024) and a date-time late on 31 December to the next day are ranges.
  if (!from || !to || to.end <= from.start) return null;
  // Two instants in one millisecond: the digits past it tell whether the range ends before it starts (.0019/.0011).
  if (from.precision === 'instant' && to.precision === 'instant' && to.start === from.start && (to.subMs ?? 0) < (from.subMs ?? 0))
    return null;
  return { precision: 'range', start: from.start, end: to.end };
}

/**
 * Parses YYYY, YYYY-H1|H2, YYYY-Q1..Q4, YYYY-MM, YYYY-MM-DD, an RFC 3339 date-time, or "start/end" of those.
 * A range spans from the start of its first part to the end of its second; null when invalid.
 */
export function parsePeriod(s: string): Period | null {
  const b = boundsOf(s);
  return b && { text: s, precision: b.precision, start: isoInstant(b.start), end: isoInstant(b.end) };
}

/** Whether `s` is a period parsePeriod accepts, without making its ISO bounds (validation runs this per field). */
export function isPeriod(s: string): boolean {
  return boundsOf(s) !== null;
}

const PERIOD_HELP = 'must be a date or period: YYYY, YYYY-H1|H2, YYYY-Q1..Q4, YYYY-MM, YYYY-MM-DD, an RFC 3339 date-time, or start/end';

// The shapes parsePeriod accepts as one JSON Schema pattern, each field in its range: a year MIN_YEAR..MAX_YEAR
// (1000-9998), month 01-12, day 01-31, hour 00-23, minute and second 00-59 (no leap second), offset hour 00-23.
// What a pattern cannot say (a day the month does not have, a range ending before it starts) only the service checks.
// [0-9] rather than \d: other languages' regex engines take \d for any Unicode digit.
const YEAR_PATTERN = '(?:[1-8][0-9]{3}|9(?:[0-8][0-9]{2}|9[0-8][0-9]|99[0-8]))';
const TIME_PATTERN = '[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]{1,9})?(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])';
const SINGLE_PATTERN = `${YEAR_PATTERN}(?:-(?:H[12]|Q[1-4]|(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12][0-9]|3[01])(?:${TIME_PATTERN})?)?))?`;
/** Every period the service accepts matches it; what it lets through that the service refuses is in the description. */
export const PERIOD_PATTERN = `^${SINGLE_PATTERN}(?:/${SINGLE_PATTERN})?$`;
/** A date or period that is not a range (a report's `asOf`, `knownAt`, `from`, `to`), in the same shapes. */
export const SINGLE_PERIOD_PATTERN = `^${SINGLE_PATTERN}$`;

/** A period string; the pattern gives JSON Schema its shape, the description what only the service checks. */
export const periodSchema = z
  .string({ error: (iss) => (iss.input === undefined ? 'required' : PERIOD_HELP) })
  .max(100)
  .refine(isPeriod, { error: (iss) => periodError(String(iss.input)) })
  .meta({
    pattern: PERIOD_PATTERN,
    description:
      `A date or period: ${PERIOD_HELP.slice('must be a date or period: '.length)}; years ${MIN_YEAR} to ${MAX_YEAR}. ` +
      'The pattern checks the shape; the service also checks that it is a real calendar date (no 2024-02-30, ' +
      '29 February only in a leap year) and that a range does not end before it starts.',
    examples: ['2024-09-25', '2024-H1', '2025/2029'],
  });

function periodError(input: string): string {
  const parts = input.split('/');
  if (parts.length === 2 && parseSingle(parts[0]) && parseSingle(parts[1])) return 'range must not end before it starts';
  return `${PERIOD_HELP} (a real calendar date, years ${MIN_YEAR} to ${MAX_YEAR})`;
}
