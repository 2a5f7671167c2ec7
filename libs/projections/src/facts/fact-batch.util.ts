import { isAmendment } from '@newsroom/domain';
import type { ProjectedEvent } from '../projected-event.mapper';
import type { FactModel } from './fact-model.types';
import type { FactChange, FactRow, FactState, FactVersion } from './fact-version.types';
import { concerns, evolveFact } from './fact.projection';

export type FactClose = Extract<FactChange, { kind: 'close' }>;

/** What one event did: the changes its evolve returned (for hooks that keep more than fact versions). */
export interface AppliedChanges {
  event: ProjectedEvent;
  changes: FactChange[];
}

/** A batch's writes: versions to insert (keyed, so a replayed one does nothing) and versions to close. */
export interface FactBatchPlan {
  opens: Array<{ fact: FactVersion; rows: FactRow[] }>;
  closes: FactClose[];
  applied: AppliedChanges[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (id: unknown): id is string => typeof id === 'string' && UUID.test(id);

/** The facts the batch's corrections and retractions target: their latest stored versions are loaded first. */
export function amendmentTargets(events: readonly ProjectedEvent[]): string[] {
  const ids = new Set<string>();
  for (const e of events) {
    const target = isAmendment(e) ? e.data?.targetEventId : null;
    if (isUuid(target)) ids.add(target);
  }
  return [...ids];
}

const standing = (fact: FactVersion): FactState => ({ ...fact, retracted: false, lastPosition: fact.positionFrom });

/**
 * Pure: the writes of a whole batch, exactly those of applying its events one by one (insert-if-absent, then
 * read the target's latest version for an amendment). `stored` holds the latest stored version of every fact an
 * amendment targets; an amendment sees what earlier events of the same batch did to its target, so a correction
 * right after its fact, in one batch, closes the version that fact opened. Inserts may all go before closes: a
 * close only ever targets a version stored before the batch or opened earlier in it.
 */
export function planFactBatch(model: FactModel, events: readonly ProjectedEvent[], stored: ReadonlyMap<string, FactState>): FactBatchPlan {
  const known = new Map(stored);
  // Only the facts an amendment of this batch targets need their state followed.
  const followed = new Set(amendmentTargets(events));
  const plan: FactBatchPlan = { opens: [], closes: [], applied: [] };
  const closed = new Set<string>();
  for (const event of events) {
    if (!concerns(model, event)) continue;
    const target = isAmendment(event) ? event.data?.targetEventId : null;
    const changes = evolveFact(model, target ? (known.get(target) ?? null) : null, event);
    for (const change of changes) {
      if (change.kind === 'open') {
        plan.opens.push(change);
        // A replayed first version does nothing when the fact is already stored: what is stored stays its state.
        const id = change.fact.factId;
        if (followed.has(id) && (change.fact.version > 1 || !known.has(id))) known.set(id, standing(change.fact));
      } else {
        // A close only touches a standing version: a second close of the same version would do nothing.
        const key = `${change.factId}|${change.version}`;
        if (!closed.has(key)) plan.closes.push(change);
        closed.add(key);
        const state = known.get(change.factId);
        if (state && change.by === 'retracted') known.set(change.factId, { ...state, retracted: true, lastPosition: change.positionTo });
      }
    }
    plan.applied.push({ event, changes });
  }
  return plan;
}
