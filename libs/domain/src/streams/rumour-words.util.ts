import type { Stance } from '../events/event-sourced.event';
import { outletKey } from '../corroboration/corroboration.rules';
import type { Source } from '../values/source.value';
import type { AttachedWord, StreamEventState } from './stream-state.types';

/**
 * Whether the stories attached to a rumour confirm it: some outlet's latest word confirms it and none denies it (an
 * outlet that denies it, whoever confirms, leaves it a rumour). The rumour's own sources only repeat it and count for
 * nothing here, nor do a correction's: a story attached with `POST /v1/events/{id}/sources` is what confirms.
 */
export function rumourConfirmed(words: readonly AttachedWord[] | undefined): boolean {
  return !!words?.some(([, s]) => s === 'confirms') && !words.some(([, s]) => s === 'denies');
}

/** Whether a case step sets the case's status: not denied, and not a rumour unless the stories attached confirm it. */
export const stepCounts = (e: Pick<StreamEventState, 'denied' | 'rumored' | 'words'>): boolean =>
  !e.denied && (!e.rumored || rumourConfirmed(e.words));

/** The words with `source`'s outlet saying `stance`, its earlier word replaced in place (corroboration's latest word). */
export function withWord(
  words: readonly AttachedWord[] | undefined,
  source: Pick<Source, 'outlet' | 'via'>,
  stance: Stance,
): AttachedWord[] {
  const key = outletKey(source);
  const kept = (words ?? []).map((w): AttachedWord => (w[0] === key ? [key, stance] : w));
  return kept.some(([k]) => k === key) ? kept : [...kept, [key, stance]];
}
