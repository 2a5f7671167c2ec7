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

const MIN_YEAR = 1000;
/**
 * The end of year 9999 is year 10000, whose ISO text is "+010000-01-01T..." and which Postgres refuses as a
 * timestamptz ("time zone displacement out of range"): an event dated 9999 was a 500 on HTTP and a STORE.REJECTED
 * dead letter on Kafka (found by tests/e2e/fuzz-write). Periods stop at 9998, so every start and end is storable.
 */
const MAX_YEAR = 9998;
const MS_PER_MINUTE = 60_000;

// setUTCFullYear avoids Date.UTC's mapping of years 0..99 to 1900..1999.
function utc(year: number, monthIndex: number, day = 1): number {
  const d = new Date(0);
  d.setUTCFullYear(year, monthIndex, day);
  return d.getTime();
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function daysInMonth(year: number, month: number): number {
  return new Date(utc(year, month, 0)).getUTCDate();
}

function validYear(y: number): boolean {
  return y >= MIN_YEAR && y <= MAX_YEAR;
}

function validDay(y: number, m: number, d: number): boolean {
  return validYear(y) && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

function span(text: string, precision: PeriodPrecision, start: number, end: number): Period {
  return { text, precision, start: iso(start), end: iso(end) };
}

function parseDateTime(text: string): Period | null {
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
  const start = utc(y, mo - 1, d) + ((h * 60 + mi) * 60 + s) * 1000 + millis - offsetMinutes * MS_PER_MINUTE;
  // An instant is the smallest representable interval, so overlap queries still find it.
  return span(text, 'instant', start, start + 1);
}

function parseSingle(text: string): Period | null {
  let m: RegExpExecArray | null;
  if ((m = YEAR.exec(text))) {
    const y = Number(m[1]);
    return validYear(y) ? span(text, 'year', utc(y, 0), utc(y + 1, 0)) : null;
  }
  if ((m = HALF.exec(text))) {
    const y = Number(m[1]);
    const first = (Number(m[2]) - 1) * 6;
    return validYear(y) ? span(text, 'half', utc(y, first), utc(y, first + 6)) : null;
  }
  if ((m = QUARTER.exec(text))) {
    const y = Number(m[1]);
    const first = (Number(m[2]) - 1) * 3;
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
  return parseDateTime(text);
}

/**
 * Parses YYYY, YYYY-H1|H2, YYYY-Q1..Q4, YYYY-MM, YYYY-MM-DD, an RFC 3339 date-time, or "start/end" of those.
 * A range spans from the start of its first part to the end of its second; null when invalid.
 */
export function parsePeriod(s: string): Period | null {
  if (typeof s !== 'string' || s.length > 100) return null;
  const parts = s.split('/');
  if (parts.length === 1) return parseSingle(s);
  if (parts.length !== 2) return null;
  const from = parseSingle(parts[0]);
  const to = parseSingle(parts[1]);
  if (!from || !to) return null;
  // Compare as numbers: the ISO text of year 10000 (end of 9999) does not sort lexically.
  if (Date.parse(to.start) < Date.parse(from.start)) return null;
  return { text: s, precision: 'range', start: from.start, end: to.end };
}

const PERIOD_HELP = 'must be a date or period: YYYY, YYYY-H1|H2, YYYY-Q1..Q4, YYYY-MM, YYYY-MM-DD, an RFC 3339 date-time, or start/end';

/** A period string; the refinement is invisible to JSON Schema, so the description documents it. */
export const periodSchema = z
  .string({ error: (iss) => (iss.input === undefined ? 'required' : PERIOD_HELP) })
  .max(100)
  .refine((s) => parsePeriod(s) !== null, { error: (iss) => periodError(String(iss.input)) })
  .meta({
    description: `A date or period: ${PERIOD_HELP.slice('must be a date or period: '.length)}`,
    examples: ['2024-09-25', '2024-H1', '2025/2029'],
  });

function periodError(input: string): string {
  const parts = input.split('/');
  if (parts.length === 2 && parseSingle(parts[0]) && parseSingle(parts[1])) return 'range must not end before it starts';
  return `${PERIOD_HELP} (and a real calendar date)`;
}
