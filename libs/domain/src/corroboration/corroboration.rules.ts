import type { Stance } from '../events/event-sourced.event';
import { parsePeriod } from '../values/period.value';
import { readerKey } from '../values/reader-key.util';

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

/**
 * The outlet a source counts as: its `via` when it reprints another, folded as a reader sees it (`readerKey`:
 * compatibility forms, apostrophe and dash look-alikes, invisible characters, spacing and case).
 */
export function outletKey(entry: Pick<CorroborationEntry, 'outlet' | 'via'>): string {
  return readerKey(entry.via?.trim() ? entry.via : entry.outlet);
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
