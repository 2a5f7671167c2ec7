import type { Stance } from '../events/event-sourced.event';
import { parsePeriod } from '../values/period.value';

/** One outlet's word on a fact: a source of the fact itself (it confirms) or one attached later. */
export interface CorroborationEntry {
  outlet: string;
  /** The outlet a syndicated copy reprints: the copy counts as that outlet. */
  via?: string | null;
  stance: Stance;
  /** When the outlet reported it (the source's publishedAt, else when the newsroom recorded it). */
  reportedAt?: string | null;
}

export interface Corroboration {
  /** Distinct outlets with a word on the fact (syndicated copies count as the outlet they reprint). */
  outlets: number;
  /** Distinct outlets whose latest word confirms / denies. */
  confirms: number;
  denies: number;
  firstReportedAt: string | null;
  latestReportedAt: string | null;
}

// Characters that show nothing (zero-width spaces and joiners, direction marks and overrides, soft hyphens, BOM):
// "Le\u200bMonde" is Le Monde to a reader, so it counts as Le Monde.
const INVISIBLE = /\p{Cf}/gu;
// Apostrophe and dash look-alikes a keyboard, a word processor or a CMS puts in one's place: "L’Obs" is L'Obs to a
// reader. Folded before NFKC (which makes the acute accent U+00B4 a space and a combining accent) and after it (which
// makes small and full-width forms such as U+FE58 dashes).
const APOSTROPHES = /[\u2019\u2018\u02bc\u0060\u00b4\uff07]/g;
const DASHES = /[\u2010-\u2015\u2212]/g;
const foldMarks = (s: string) => s.replace(APOSTROPHES, "'").replace(DASHES, '-');
// Outlets are few and every report and projector batch folds the same ones again: their keys are kept, within a bound.
const FOLDED_KEPT = 10_000;
const folded = new Map<string, string>();

/**
 * The outlet a source counts as: its `via` when it reprints another, folded as a reader sees it: compatibility forms
 * (NFKC: full-width letters, ligatures, a no-break space), apostrophe look-alikes (’ ‘ ʼ ` ´ ＇) as ' and dash
 * look-alikes (U+2010–U+2015, −) as -, invisible characters dropped, spacing and case folded.
 * Look-alike letters of other scripts (a Cyrillic "Т") are not folded: they are other text.
 */
export function outletKey(entry: Pick<CorroborationEntry, 'outlet' | 'via'>): string {
  const name = entry.via?.trim() ? entry.via : entry.outlet;
  let key = folded.get(name);
  if (key === undefined) {
    key = foldMarks(foldMarks(name).normalize('NFKC')).replace(INVISIBLE, '').trim().replace(/\s+/g, ' ').toLowerCase();
    if (folded.size >= FOLDED_KEPT) folded.clear();
    folded.set(name, key);
  }
  return key;
}

function instant(at: string | null | undefined): number | null {
  if (!at) return null;
  const start = parsePeriod(at)?.start;
  const ms = start ? Date.parse(start) : Number.NaN;
  return Number.isNaN(ms) ? null : ms;
}

/** Counts entries given in the order they were recorded: each outlet once, its stance the latest it gave. */
export function corroborationOf(entries: readonly CorroborationEntry[]): Corroboration {
  const stances = new Map<string, Stance>();
  let first: { ms: number; at: string } | null = null;
  let latest: { ms: number; at: string } | null = null;
  for (const e of entries) {
    stances.set(outletKey(e), e.stance);
    const ms = instant(e.reportedAt);
    if (ms === null || !e.reportedAt) continue;
    if (!first || ms < first.ms) first = { ms, at: e.reportedAt };
    if (!latest || ms > latest.ms) latest = { ms, at: e.reportedAt };
  }
  const all = [...stances.values()];
  return {
    outlets: stances.size,
    confirms: all.filter((s) => s === 'confirms').length,
    denies: all.filter((s) => s === 'denies').length,
    firstReportedAt: first?.at ?? null,
    latestReportedAt: latest?.at ?? null,
  };
}
