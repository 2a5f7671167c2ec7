import type { EventType } from '../events/event-catalog.registry';
import type { EventOf } from '../events/story-event.types';
import type { LawsuitStatus } from '../events/lawsuit-status-changed.event';
import type { InferredField } from '../values/inferred.value';
import type { Stance } from '../events/event-sourced.event';
import type { Modality } from '../values/modality.value';
import type { Source } from '../values/source.value';
import { parseSubject } from '../values/subject.value';

export type EventStatus = 'current' | 'corrected' | 'retracted';

/** An event as stored in the log, read back (upcast to today's schema) for folding; `type` narrows `data`. */
export type RecordedEvent<T extends EventType = EventType> = EventOf<
  T,
  {
    eventId: string;
    subject: string;
    streamVersion: number;
    occurredAt: string | null;
    sources: Source[];
    modality: Modality;
    schemaVersion: number;
    inferred?: InferredField[];
  }
>;

/** What the decider produces; the event store adds id, stream version, position and times. */
export type NewEvent<T extends EventType = EventType> = EventOf<
  T,
  {
    subject: string;
    occurredAt: string | null;
    sources: Source[];
    modality: Modality;
    schemaVersion: number;
    /** Stored in the event's metadata (`metadata.inferred`), so the wire form carries it. */
    inferred?: InferredField[];
  }
>;

/**
 * One event of a folded stream; after corrections, `occurredAt` and `data` are the corrected ones. `denied` marks a
 * fact recorded as denied (modality), which the case rules list but never count; `rumored` one recorded as a rumour,
 * which a denial answers rather than contradicts (the conflict rules read both on the whole stream, never on a kept
 * state, which holds no departures), and which the case rules count only once confirmed (see rumourConfirmed).
 */
export type StreamEventState<T extends EventType = EventType> = EventOf<
  T,
  { status: EventStatus; occurredAt: string | null; denied?: true; rumored?: true; words?: AttachedWord[] }
>;

/**
 * One outlet's latest word on a rumoured case step or appointment, from the stories attached to it (`event.sourced`):
 * the outlet as corroboration counts it (outletKey) and its stance. Kept on standing rumoured ones only (a kept state
 * holds the case steps alone; the conflict rules read an appointment's on the whole stream), in the order each outlet
 * first spoke; pairs, not an object keyed by outlet, so no outlet name can be a prototype key.
 */
export type AttachedWord = [outlet: string, stance: Stance];

export interface LawsuitState {
  filed: boolean;
  status: LawsuitStatus | null;
}

/** One subject's stream folded; `events` keeps stream order (Map insertion order). */
export interface StreamState {
  subject: string;
  version: number;
  events: Map<string, StreamEventState>;
  /** Present on case streams only; derived from the events that are not retracted. */
  lawsuit?: LawsuitState;
}

export function initialStreamState(subject: string): StreamState {
  const state: StreamState = { subject, version: 0, events: new Map() };
  if (parseSubject(subject)?.kind === 'case') state.lawsuit = { filed: false, status: null };
  return state;
}
