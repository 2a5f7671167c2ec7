import { latestCaseStatus } from './lawsuit.rules';
import type { LawsuitState, StreamEventState } from './stream-state.types';

/**
 * Derives the case state from the events still standing: filed when a filing stands, and the status of the last
 * standing step that counts (not denied, not a rumour unless confirmed) in valid time (when it happened, as the
 * lawsuits report orders steps). Recomputing (instead of updating incrementally) is what makes a retracted or
 * corrected status change fall back correctly.
 */
export function deriveLawsuitState(events: Map<string, StreamEventState>): LawsuitState {
  let filed = false;
  for (const event of events.values()) if (event.status !== 'retracted' && event.type === 'lawsuit.filed') filed = true;
  return { filed, status: latestCaseStatus(events) };
}
