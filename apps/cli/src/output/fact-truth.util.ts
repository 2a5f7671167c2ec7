import { CliLang, stancesText } from './cli-words.const';

/**
 * What a report or feed item says about how well a fact is backed, as terminal text: its corroboration (distinct
 * outlets, how many confirm and deny) and the fields its sources do not state (a `*` after the date when the date
 * is one of them).
 */
type Json = Record<string, unknown>;

const inferredList = (fact: Json): Array<{ path: string; note: string }> =>
  Array.isArray(fact.inferred) ? (fact.inferred as Array<{ path: string; note: string }>) : [];

/**
 * "3" when all confirm; when any denies, how many confirm and deny, each verb agreeing with its count as in `tail` and
 * the Atom feed: "3: 2 confirm, 1 denies", "2: 1 confirms, 1 denies" (« 3 : 2 confirment, 1 dément »); '' without
 * corroboration.
 */
export function outletsText(fact: Json, lang: CliLang = 'en'): string {
  const c = fact.corroboration as { outlets?: number; confirms?: number; denies?: number } | undefined;
  if (!c || typeof c.outlets !== 'number') return '';
  return c.denies ? `${c.outlets}${stancesText(c, lang)}` : String(c.outlets);
}

/** The inferred paths, "occurredAt, data.role"; '' when none. */
export const inferredText = (fact: Json): string =>
  inferredList(fact)
    .map((i) => i.path)
    .join(', ');

/** The fact's date, with a `*` when its sources do not state it. */
export function markedDate(fact: Json): unknown {
  const date = fact.occurredAt;
  return typeof date === 'string' && inferredList(fact).some((i) => i.path === 'occurredAt') ? `${date}*` : date;
}

/** A report row with `outlets` and `inferred` columns and its dates marked (a tenure's bounds, a case's filing too). */
export function withTruth(row: Json, lang: CliLang = 'en'): Json {
  const bound = (b: unknown) => (b && typeof b === 'object' ? { ...(b as Json), occurredAt: markedDate(b as Json) } : b);
  const fact = row.filed && typeof row.filed === 'object' ? (row.filed as Json) : row;
  const out: Json = { ...row };
  if (fact.corroboration) out.outlets = outletsText(fact, lang);
  if (Array.isArray(fact.inferred)) out.inferred = inferredText(fact);
  if ('occurredAt' in row) out.occurredAt = markedDate(row);
  if ('start' in row) out.start = bound(row.start);
  if ('end' in row) out.end = bound(row.end);
  if ('filed' in row) out.filed = bound(row.filed);
  return out;
}
