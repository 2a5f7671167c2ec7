import {
  inferredOf,
  isAmendment,
  mergePatch,
  namesAField,
  parsePeriod,
  type CorrectionChanges,
  type EventDataMap,
  type RecordableEventType,
} from '@newsroom/domain';
import type { ProjectedEvent } from '../projected-event.mapper';
import { isModelEvent, type FactModel } from './fact-model.types';
import type { FactChange, FactState, FactVersion } from './fact-version.types';
import { mergeSources } from './source-id.util';

type Interval = { validFrom: string | null; validTo: string | null };
// Dates repeat across events and every read model parses the same ones: parsed once (bounded; cleared when full).
const intervals = new Map<string, Interval>();

/** The occurred interval of a date or period; null bounds when there is none (or it does not parse). */
export function validInterval(occurredAt: string | null): Interval {
  if (!occurredAt) return { validFrom: null, validTo: null };
  const known = intervals.get(occurredAt);
  if (known) return { ...known };
  const period = parsePeriod(occurredAt);
  const interval = { validFrom: period?.start ?? null, validTo: period?.end ?? null };
  if (intervals.size >= 10_000) intervals.clear();
  intervals.set(occurredAt, interval);
  return { ...interval };
}

/** Does this model need to look at the event at all (its own types, or an amendment of anything)? */
export function concerns(model: FactModel, event: ProjectedEvent): boolean {
  return isAmendment(event) || isModelEvent(model, event);
}

/**
 * Pure: what one event does to a model's fact versions. `state` is the targeted fact's latest version for a
 * correction or retraction, the event's own fact otherwise (null when unseen). A correction closes the standing
 * version and opens the next with the patch applied; a retraction closes it for good. An event at or below the
 * fact's last folded position was applied already, so redelivery changes nothing.
 */
export function evolveFact(model: FactModel, state: FactState | null, event: ProjectedEvent): FactChange[] {
  if (!isAmendment(event)) {
    if (!isModelEvent(model, event) || state) return [];
    const fact = firstVersion(event);
    return [{ kind: 'open', fact, rows: model.rows(fact) }];
  }
  if (!state || state.retracted || state.factId !== event.data?.targetEventId) return [];
  if (BigInt(event.globalPosition) <= BigInt(state.lastPosition)) return [];
  const reason: string | null = event.data?.reason ?? null;
  const close: FactChange = {
    kind: 'close',
    factId: state.factId,
    factPosition: state.factPosition,
    version: state.version,
    recordedTo: event.recordedAt,
    positionTo: event.globalPosition,
    by: event.type === 'event.retracted' ? 'retracted' : 'corrected',
    reason,
  };
  if (event.type === 'event.retracted') return [close];
  const fact = nextVersion(state, event, event.data?.changes ?? {}, reason);
  return [close, { kind: 'open', fact, rows: model.rows(fact) }];
}

function firstVersion<T extends RecordableEventType>(event: ProjectedEvent<T>): FactVersion<T> {
  return {
    factId: event.id,
    version: 1,
    type: event.type,
    subject: event.subject,
    modality: event.modality ?? 'reported',
    occurredAt: event.occurredAt,
    ...validInterval(event.occurredAt),
    data: event.data ?? {},
    sources: mergeSources(event.sources ?? [], []),
    inferred: inferredOf(event.metadata),
    recordedFrom: event.recordedAt,
    positionFrom: event.globalPosition,
    factPosition: event.globalPosition,
    changeReason: null,
  };
}

function nextVersion<T extends RecordableEventType>(
  state: FactState<T>,
  event: ProjectedEvent,
  changes: CorrectionChanges,
  reason: string | null,
): FactVersion<T> {
  const occurredAt: string | null = changes.occurredAt ?? state.occurredAt;
  const data = changes.data ? (mergePatch(state.data, changes.data) as EventDataMap[T]) : state.data;
  const fact: FactVersion<T> = {
    ...state,
    version: state.version + 1,
    occurredAt,
    ...validInterval(occurredAt),
    // The patched data still fits the fact's type: the correction was checked against its schema when decided.
    data,
    sources: mergeSources(state.sources, event.sources ?? []),
    // A correction may replace the list of fields its sources do not state; without one it stays as it was, less
    // the fields this correction removed (a list never names a field the fact no longer has).
    inferred: (changes.inferred ?? state.inferred).filter((i) => namesAField({ occurredAt, data }, i.path)),
    recordedFrom: event.recordedAt,
    positionFrom: event.globalPosition,
    changeReason: reason,
  };
  delete (fact as Partial<FactState>).retracted;
  delete (fact as Partial<FactState>).lastPosition;
  return fact;
}
