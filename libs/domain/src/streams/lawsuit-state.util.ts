import type { LawsuitStatus } from '../events/lawsuit-status-changed.event';
import type { LawsuitState, StreamEventState } from './stream-state.types';

/**
 * Derives the case state from the events still standing, in stream order. Recomputing (instead of
 * updating incrementally) is what makes a retracted or corrected status change fall back correctly.
 */
export function deriveLawsuitState(events: Map<string, StreamEventState>): LawsuitState {
  let filed = false;
  let status: LawsuitStatus | null = null;
  for (const event of events.values()) {
    if (event.status === 'retracted') continue;
    if (event.type === 'lawsuit.filed') filed = true;
    else if (event.type === 'lawsuit.status_changed' && event.data?.status) status = event.data.status;
  }
  return { filed, status };
}
