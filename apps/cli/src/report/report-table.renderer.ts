import { CliLang } from '../output/cli-words.const';
import { withTruth } from '../output/fact-truth.util';
import { cell, formatTable } from '../output/table.renderer';
import { conflictRows } from './conflict-rows.renderer';

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
    'outlets',
    'inferred',
    'key',
    'count',
    // Grouped: the departures only rumoured, counted apart from `count` as the report does.
    'rumored',
    'fallbacks',
  ],
  lawsuits: [
    'caseName',
    'title',
    'status',
    // The latest step after the status only rumoured (it does not count until confirmed): a code as `status` is.
    'rumoredStatus',
    'filed',
    'plaintiffs',
    'defendants',
    'court',
    'outlets',
    'inferred',
    'fallbacks',
  ],
  financials: ['period', 'metric', 'basis', 'amount', 'currency', 'count', 'modality', 'status', 'sources', 'outlets', 'inferred'],
  timeline: ['occurredAt', 'type', 'subject', 'headline', 'modality', 'status', 'outlets', 'inferred', 'fallbacks'],
  sources: ['publishedAt', 'outlet', 'title', 'language', 'url', 'id'],
  conflicts: [
    'openedAt',
    'kind',
    'subject',
    'fields',
    'status',
    'side',
    'eventId',
    'claim',
    'outlets',
    'headline',
    'resolvedBy',
    'reason',
    'conflictId',
  ],
};

/**
 * Rows of a report answer: its `items`, or `groups` (departures grouped by period) followed by the `unplaced` bucket
 * as the JSON has it (the departures dated too coarsely for one group, counted as a group is), or the answer itself.
 */
export function reportRows(body: unknown): Record<string, unknown>[] {
  const b = (body ?? {}) as Record<string, unknown>;
  if (Array.isArray(b.groups)) {
    const unplaced = b.unplaced && typeof b.unplaced === 'object' && !Array.isArray(b.unplaced) ? [{ ...b.unplaced, key: 'unplaced' }] : [];
    return [...(b.groups as Record<string, unknown>[]), ...unplaced];
  }
  if (Array.isArray(b.items)) return b.items as Record<string, unknown>[];
  return Array.isArray(body) ? (body as Record<string, unknown>[]) : [b];
}

/** The language the answer says it is in (`lang`), for the CLI's own words in the table; English without one. */
const answerLang = (body: unknown): CliLang => ((body as { lang?: unknown } | null)?.lang === 'fr' ? 'fr' : 'en');

/** What the table of a report with no rows is. */
export const NO_ROWS = '(no rows)';

/**
 * The report as a table: the known columns that occur, else every scalar field of the rows. Each fact shows its
 * distinct outlets (`outlets`), the fields its sources do not state (`inferred`), and a `*` on a date they do not.
 */
export function reportTable(name: string, body: unknown): string {
  const lang = answerLang(body);
  const rows = name === 'conflicts' ? conflictRows(reportRows(body), lang) : reportRows(body).map((r) => withTruth(r, lang));
  if (!rows.length) return NO_ROWS;
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
