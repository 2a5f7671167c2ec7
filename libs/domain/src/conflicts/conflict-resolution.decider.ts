import { DOMAIN_ERROR_CODES, DomainError } from '../errors/domain.errors';
import { CURRENT_SCHEMA_VERSION } from '../events/event-catalog.registry';
import type { NewEvent, StreamState } from '../streams/stream-state.types';
import { rumourConfirmed } from '../streams/rumour-words.util';
import type { ResolutionRequest } from '../submission/resolution-request.schema';
import { canClaim, conflictName, contradictions, type ContradictionPair } from './conflict.rules';

/** A conflict of a stream as it stands now: its id (made by `idOf` from its name) and its pair. */
export interface StreamConflict extends ContradictionPair {
  id: string;
}

/** The contradictions among the stream's standing facts (not retracted), with their ids. `idOf` makes a UUIDv5. */
export function conflictsOfStream(state: StreamState, idOf: (name: string) => string): StreamConflict[] {
  const facts = [...state.events]
    // Appointments too: one between two departures of its role makes them two (`contradictions`).
    .filter(([, e]) => e.status !== 'retracted' && (canClaim(e.type) || e.type === 'executive.appointed'))
    .map(([factId, e]) => ({
      factId,
      type: e.type,
      subject: state.subject,
      occurredAt: e.occurredAt,
      data: e.data,
      // A rumoured appointment the stories attached to it confirm counts as a reported one (rumourConfirmed).
      modality: e.denied ? 'denied' : e.rumored && !rumourConfirmed(e.words) ? 'rumored' : 'reported',
    }));
  return contradictions(facts).map((pair) => ({ ...pair, id: idOf(conflictName(pair.key, pair.a.factId, pair.b.factId)) }));
}

/**
 * Decides a conflict.resolved in the stream of the two facts: the conflict must stand now (both facts stand and
 * still disagree) and the side named must be one of the two. A later resolution of the same conflict replaces it.
 */
export function decideResolution(
  state: StreamState,
  conflictId: string,
  req: ResolutionRequest,
  idOf: (name: string) => string,
): NewEvent<'conflict.resolved'> {
  const conflict = conflictsOfStream(state, idOf).find((c) => c.id === conflictId);
  if (!conflict) {
    throw new DomainError(
      DOMAIN_ERROR_CODES.CONFLICT_NOT_FOUND,
      'not_found',
      `conflict ${conflictId} is not open between ${req.standingEventId} and another standing fact of ${state.subject}`,
      [{ path: 'id', message: `no open conflict with this id has ${req.standingEventId} as a side` }],
    );
  }
  const sides = [conflict.a.factId, conflict.b.factId];
  if (!sides.includes(req.standingEventId)) {
    throw DomainError.validation([{ path: 'standingEventId', message: `must be one of the conflict's facts: ${sides.join(', ')}` }]);
  }
  const otherEventId = sides.find((s) => s !== req.standingEventId)!;
  return {
    type: 'conflict.resolved',
    subject: state.subject,
    occurredAt: null,
    data: { conflictId, standingEventId: req.standingEventId, otherEventId, reason: req.reason },
    sources: [],
    modality: 'reported',
    schemaVersion: CURRENT_SCHEMA_VERSION['conflict.resolved'],
  };
}
