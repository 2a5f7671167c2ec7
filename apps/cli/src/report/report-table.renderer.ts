import { cell, formatTable } from '../output/table.renderer';

/** The columns worth a terminal for each report, in order; a report's other fields stay in --json and --csv. */
const REPORT_COLUMNS: Record<string, string[]> = {
  leadership: ['personName', 'role', 'roleCategory', 'interim', 'start', 'end', 'reason', 'certain', 'fallbacks'],
  departures: [
    'occurredAt',
    'personName',
    'person',
    'role',
    'roleCategory',
    'reason',
    'destination',
    'organizationName',
    'modality',
    'status',
    'key',
    'count',
    'fallbacks',
  ],
  lawsuits: ['caseName', 'title', 'status', 'filed', 'plaintiffs', 'defendants', 'court', 'fallbacks'],
  financials: ['period', 'metric', 'basis', 'amount', 'currency', 'count', 'modality', 'status', 'sources'],
  timeline: ['occurredAt', 'type', 'subject', 'headline', 'modality', 'status', 'fallbacks'],
  sources: ['publishedAt', 'outlet', 'title', 'language', 'url', 'id'],
};

/** Rows of a report answer: its `items`, or `groups` (departures grouped by period), or the answer itself. */
export function reportRows(body: unknown): Record<string, unknown>[] {
  const b = (body ?? {}) as Record<string, unknown>;
  for (const key of ['groups', 'items']) if (Array.isArray(b[key])) return b[key] as Record<string, unknown>[];
  return Array.isArray(body) ? (body as Record<string, unknown>[]) : [b];
}

/** The report as a table: the known columns that occur, else every scalar field of the rows. */
export function reportTable(name: string, body: unknown): string {
  const rows = reportRows(body);
  if (!rows.length) return '(no rows)';
  // An empty list is absent too: the fallbacks column shows only when some text fell back to the other language.
  const present = (k: string) =>
    rows.some((r) => r[k] !== undefined && r[k] !== null && r[k] !== '' && !(Array.isArray(r[k]) && r[k].length === 0));
  let columns = (REPORT_COLUMNS[name] ?? []).filter(present);
  if (!columns.length) columns = Object.keys(rows[0]).filter((k) => rows.some((r) => typeof r[k] !== 'object' || r[k] === null));
  return formatTable(
    columns,
    rows.map((r) => columns.map((c) => cell(r[c]))),
  );
}
