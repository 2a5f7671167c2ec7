export interface CsvColumn<T> {
  header: string;
  value: (row: T) => unknown;
}

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** One RFC 4180 field: quoted when it holds a comma, quote, CR or LF (or edge spaces), quotes doubled. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = Array.isArray(value)
    ? value.map((v) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v))).join('; ')
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 text: a header row, then one record per row, CRLF line breaks. */
export function toCsv<T>(columns: readonly CsvColumn<T>[], rows: readonly T[]): string {
  const lines = [columns.map((c) => csvField(c.header)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvField(c.value(row))).join(','));
  return lines.join('\r\n') + '\r\n';
}
