import { terminalText } from './terminal-text.util';

/**
 * Plain-text tables for the terminal: a header row, a rule, aligned columns, long cells cut with an ellipsis.
 * Cells and headers (a report's own field names when it has no known columns) hold data: their control characters
 * are shown as escapes first, so a row stays one line, nothing runs in the terminal, and widths are what it shows.
 */
export function formatTable(headers: string[], rows: string[][], maxCell = 60): string {
  const cut = (s: string) => (s.length > maxCell ? `${s.slice(0, maxCell - 1)}…` : s);
  const columns = headers.map(terminalText);
  const body = rows.map((r) => columns.map((_, i) => cut(terminalText(r[i] ?? ''))));
  const widths = columns.map((c, i) => Math.max(c.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(columns), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** One cell from any JSON value of a report: money as "amount currency", sources as outlets, a date object by its date. */
export function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return value.map(cell).filter(Boolean).join(', ');
  const o = value as Record<string, unknown>;
  if (typeof o.amount === 'string' && typeof o.currency === 'string') return `${o.amount} ${o.currency}`;
  if (typeof o.outlet === 'string') return o.outlet;
  if ('occurredAt' in o) return cell(o.occurredAt);
  if (typeof o.en === 'string') return o.en;
  if (typeof o.fr === 'string') return o.fr;
  return JSON.stringify(o);
}
