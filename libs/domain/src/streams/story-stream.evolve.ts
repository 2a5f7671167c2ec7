import type { CorrectionChanges } from '../events/event-corrected.event';
import { CURRENT_SCHEMA_VERSION, type EventDataMap, type EventType } from '../events/event-catalog.registry';
import { isAmendment, type StoryEvent } from '../events/story-event.types';
import { upcast } from '../upcasting/upcast.registry';
import { deriveLawsuitState } from './lawsuit-state.util';
import { mergePatch } from './merge-patch.util';
import { withWord } from './rumour-words.util';
import { initialStreamState, type RecordedEvent, type StreamEventState, type StreamState } from './stream-state.types';

const LAWSUIT_TYPES = new Set<EventType>(['lawsuit.filed', 'lawsuit.status_changed']);
/** The rumours whose attached stories' words are kept: a case's step, and an appointment. */
const WORDED_TYPES = new Set<EventType>(['lawsuit.status_changed', 'executive.appointed']);

// Mutates `draft` only; callers hand it a fresh copy, which keeps evolve pure and foldStream linear.
function apply(draft: StreamState, raw: RecordedEvent): void {
  if (raw.subject !== draft.subject) {
    throw new Error(`event ${raw.eventId} belongs to ${raw.subject}, not to stream ${draft.subject}`);
  }
  // Old stored versions are read through the upcasters so corrections always merge over current shapes.
  const event: StoryEvent =
    raw.schemaVersion === CURRENT_SCHEMA_VERSION[raw.type]
      ? raw
      : upcast({ type: raw.type, schemaVersion: raw.schemaVersion, data: raw.data });
  draft.version = Math.max(draft.version, raw.streamVersion);
  draft.events.set(raw.eventId, standing(event, raw.occurredAt, raw.modality));

  let touchesLawsuit = LAWSUIT_TYPES.has(event.type);
  if (isAmendment(event)) {
    const data = event.data;
    const target = draft.events.get(data?.targetEventId);
    // Tolerate a dangling target: the log is history and folding it must not fail.
    if (target && target.status !== 'retracted') {
      const updated = event.type === 'event.retracted' ? retracted(target) : corrected(target, event.data.changes);
      draft.events.set(data.targetEventId, updated);
      touchesLawsuit = LAWSUIT_TYPES.has(target.type);
    }
  } else if (event.type === 'event.sourced') {
    // A story attached to a rumoured step of a case: confirmed, the step counts (see rumourConfirmed). Or to a rumoured
    // appointment: confirmed, it re-opens its role between two departures (conflictsOfStream).
    const target = draft.events.get(event.data?.targetEventId);
    if (target?.rumored && target.status !== 'retracted' && WORDED_TYPES.has(target.type) && event.data.source) {
      draft.events.set(event.data.targetEventId, { ...target, words: withWord(target.words, event.data.source, event.data.stance) });
      touchesLawsuit = target.type === 'lawsuit.status_changed';
    }
  }
  if (touchesLawsuit && draft.lawsuit) draft.lawsuit = deriveLawsuitState(draft.events);
}

function standing<T extends EventType>(event: StoryEvent<T>, occurredAt: string | null, modality: string): StreamEventState<T> {
  const entry: StreamEventState<T> = { type: event.type, status: 'current', occurredAt, data: event.data };
  if (modality === 'denied') entry.denied = true;
  if (modality === 'rumored') entry.rumored = true;
  return entry;
}

// A retracted step's attached words count for nothing again (nor are they read back with it: withNamedEvents).
function retracted<T extends EventType>({ words: _words, ...target }: StreamEventState<T>): StreamEventState<T> {
  return { ...target, status: 'retracted' };
}

// The patched data still fits the target's type: the decider checked it against the type's schema.
function corrected<T extends EventType>(target: StreamEventState<T>, changes: CorrectionChanges | undefined): StreamEventState<T> {
  return {
    ...target,
    status: 'corrected',
    occurredAt: changes?.occurredAt ?? target.occurredAt,
    data: changes?.data ? (mergePatch(target.data, changes.data) as EventDataMap[T]) : target.data,
  };
}

function copy(state: StreamState): StreamState {
  const next: StreamState = { ...state, events: new Map(state.events) };
  if (state.lawsuit) next.lawsuit = { ...state.lawsuit };
  return next;
}

/** Pure: returns a new state with the event applied; the input state is left as it was. */
export function evolve(state: StreamState, event: RecordedEvent): StreamState {
  const next = copy(state);
  apply(next, event);
  return next;
}

/**
 * Applies the event to `draft` itself and returns it, for a caller that owns the state: one `evolve` gave it a copy
 * of its own. A writer deciding a batch of events on one stream then copies the state once, not once per event (a
 * copy costs as much as the events the state holds: 100 events on a new stream were 5,000 entries copied).
 */
export function evolveOwned(draft: StreamState, event: RecordedEvent): StreamState {
  apply(draft, event);
  return draft;
}

/** Folds a whole stream, in stream order, from the empty state. */
export function foldStream(subject: string, events: RecordedEvent[]): StreamState {
  const state = initialStreamState(subject);
  for (const event of events) apply(state, event);
  return state;
}
