import { textOf } from '@newsroom/domain';
export interface CsvColumn<T> {
  header: string;
  value: (row: T) => unknown;
}

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;
/** Text a spreadsheet would run as a formula: its first non-space character is = + - @ (or a full-width form). */
const FORMULA = /^\s*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/;
/** A plain decimal number (a negative amount): a spreadsheet reads it as that number, never as a formula. */
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;
/**
 * A separator a spreadsheet may split a line on (`;`, French Excel's default; `,`; tab), and the text after it up to
 * the next one: what such a spreadsheet makes a cell of, wherever the separator stands in ours (a quoted cell is cut
 * too: a quote counts only at the start of what it reads as a cell).
 */
const AFTER_SEPARATOR = /([;,\t])([^;,\t]*)/g;

const runs = (text: string) => FORMULA.test(text) && !PLAIN_NUMBER.test(text);

/**
 * Text with a single quote before each part a spreadsheet would run (CSV injection, OWASP): before the text when it
 * starts with = + - @, tab or CR, or = + - @ after spaces; and after a separator followed by such a part (`;=1` ->
 * `;'=1`, `a, -b` -> `a,' -b`), as a spreadsheet splitting on that separator starts a cell there.
 */
function neutralised(raw: string): string {
  const inside = raw.replace(AFTER_SEPARATOR, (all, separator: string, rest: string) => (runs(rest) ? `${separator}'${rest}` : all));
  return runs(raw) || /^[\t\r]/.test(raw) ? `'${inside}` : inside;
}

/**
 * One RFC 4180 field: quoted when it holds a comma, quote, CR or LF (or edge spaces), quotes doubled. Text that
 * would run as a formula, at its start or after a separator, gets a single quote there and is quoted (OWASP);
 * numbers, and text that is a plain decimal number such as "-5", are written as they are.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  const raw = Array.isArray(value) ? value.map(textOf).join('; ') : textOf(value);
  const text = neutralised(raw);
  if (text !== raw) return `"${text.replace(/"/g, '""')}"`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 text: a header row, then one record per row, CRLF line breaks. */
export function toCsv<T>(columns: readonly CsvColumn<T>[], rows: readonly T[]): string {
  const lines = [columns.map((c) => csvField(c.header)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvField(c.value(row))).join(','));
  return lines.join('\r\n') + '\r\n';
}

/**
 * A fact's `conflictsWith` (the ids of the conflicts it is a side of, as GET /v1/reports/conflicts lists them), joined
 * as every list cell is; set on the answer's facts by `ConflictsWithRepository.attach` before the CSV is written.
 * Appended at the end of a row; `prefix` as for `factSourcingColumns`. Empty when the fact is undisputed or absent.
 */
export function conflictsWithColumn<T>(fact: (row: T) => object | null | undefined, prefix = ''): CsvColumn<T> {
  return { header: `${prefix}conflicts_with`, value: (r) => (fact(r) as { conflictsWith?: string[] } | null | undefined)?.conflictsWith };
}

/** What a fact's JSON carries beyond its values, as the CSV exports need it. */
interface CsvFact {
  corroboration: { outlets: number; confirms: number; denies: number };
  inferred: ReadonlyArray<{ path: string }>;
}

/**
 * The columns that say how well a fact is sourced, after its own: distinct outlets reporting it, how many confirm
 * and deny, and the fields its sources do not state (`inferred`, their paths). Appended at the end, so a sheet that
 * reads the earlier columns by place reads them as before. `prefix` names the fact of a row holding two (a tenure's
 * `start_`, `end_`); a row without that fact leaves the cells empty.
 */
export function factSourcingColumns<T>(fact: (row: T) => CsvFact | null | undefined, prefix = ''): CsvColumn<T>[] {
  return [
    { header: `${prefix}outlets`, value: (r) => fact(r)?.corroboration.outlets },
    { header: `${prefix}confirms`, value: (r) => fact(r)?.corroboration.confirms },
    { header: `${prefix}denies`, value: (r) => fact(r)?.corroboration.denies },
    { header: `${prefix}inferred`, value: (r) => fact(r)?.inferred.map((i) => i.path) },
  ];
}
