import { parsePeriod } from '@newsroom/domain';
/** Collects parameters while a query is written, so every value is bound and never spliced into SQL. */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown, cast = ''): string {
    this.values.push(value);
    return `$${this.values.length}${cast}`;
  }
}

/**
 * Transaction time: the version that was the record at `knownAt`, or the standing one. Two shapes on purpose:
 * without knownAt the partial indexes on `recorded_to IS NULL` apply.
 */
export function visibleAt(alias: string, knownAt: string | null, p: SqlParams): string {
  if (!knownAt) return `${alias}.recorded_to IS NULL`;
  const k = p.add(knownAt, '::timestamptz');
  return `${alias}.recorded_from <= ${k} AND (${alias}.recorded_to IS NULL OR ${alias}.recorded_to > ${k})`;
}

/**
 * Valid time, for a case's steps: those that had surely happened by `happenedBy` (see stepsHappenedBy), their date's
 * period over: "settled in 2024" is not the status as of 2024-05, while a step of 2024-06-10 is the status as of that
 * day. (The order of the steps that count is inValidTimeOrder's, the lawsuits report's and the write rules'.)
 */
export function happenedByAsOf(alias: string, happenedBy: string | null, p: SqlParams): string {
  return happenedBy ? `(${alias}.valid_to IS NULL OR ${alias}.valid_to <= ${p.add(happenedBy, '::timestamptz')})` : 'true';
}

/**
 * The instant a step's period must be over by to count as of `asOf` (the parameter as sent): a date or a coarser
 * period counts by the end of its first day (as of 2024-06-10, a step of that day counts); a date-time by that
 * instant itself (a step at 15:00 counts from 15:00, not a day early), an instant being its own smallest period.
 */
export function stepsHappenedBy(asOf: unknown): string | null {
  const period = typeof asOf === 'string' && asOf !== '' ? parsePeriod(asOf) : null;
  if (!period) return null;
  if (period.precision === 'instant') return period.end;
  return new Date(Date.parse(period.start) + MS_PER_DAY).toISOString();
}

const MS_PER_DAY = 86_400_000;

/** Valid time: facts whose occurred interval had begun by `asOf`. */
export function occurredByAsOf(alias: string, asOf: string | null, p: SqlParams): string {
  return asOf ? `(${alias}.valid_from IS NULL OR ${alias}.valid_from <= ${p.add(asOf, '::timestamptz')})` : 'true';
}

/**
 * Valid time: facts whose occurred interval overlaps [from, to). An interval ending after `from` starts after
 * `from` minus the longest interval in the table (one index lookup), which bounds the index range to scan.
 */
export function overlaps(alias: string, from: string | null, to: string | null, p: SqlParams, table?: string): string {
  const parts: string[] = [];
  if (from) {
    const f = p.add(from, '::timestamptz');
    parts.push(`${alias}.valid_to > ${f}`);
    if (table) parts.push(`${alias}.valid_from > ${f} - (SELECT coalesce(max(s.valid_to - s.valid_from), interval '0') FROM ${table} s)`);
  }
  if (to) parts.push(`${alias}.valid_from < ${p.add(to, '::timestamptz')}`);
  return parts.length ? parts.join(' AND ') : 'true';
}

/** `column` among `values` (no filter when null); one value is an equality, which ordered indexes can use. */
export function anyOf(column: string, values: readonly string[] | null, p: SqlParams): string {
  if (!values) return 'true';
  return values.length === 1 ? `${column} = ${p.add(values[0])}` : `${column} = ANY(${p.add(values, '::text[]')})`;
}

const TIMESTAMPS = ['valid_from', 'valid_to', 'recorded_from', 'recorded_to'];
const PLAIN = ['fact_id', 'version', 'part', 'event_type', 'subject', 'modality', 'occurred_at', 'position_from', 'position_to', 'fact_position', 'superseded_by', 'change_reason', 'end_reason', 'sources', 'inferred'];

/** An ISO-8601 UTC text of a timestamptz: cheaper for large reports than Date objects converted back. */
export const isoText = (column: string, as = column.split('.').pop()) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${as}`;

/** The select list of a fact table: common columns (timestamps as ISO text), `data` unless left out, then the model's. */
export function factColumns(alias: string, own: { plain?: string[]; timestamps?: string[]; data?: boolean } = {}): string {
  return [
    ...PLAIN.map((c) => `${alias}.${c}`), ...(own.data === false ? [] : [`${alias}.data`]), ...TIMESTAMPS.map((c) => isoText(`${alias}.${c}`)),
    ...(own.plain ?? []).map((c) => `${alias}.${c}`), ...(own.timestamps ?? []).map((c) => isoText(`${alias}.${c}`)),
  ].join(', ');
}
