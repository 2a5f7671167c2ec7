import type { EventType } from '../events/event-catalog.registry';
import type { LawsuitStatus } from '../events/lawsuit-status-changed.event';
import type { Modality } from '../values/modality.value';
import type { Source } from '../values/source.value';
import { parseSubject } from '../values/subject.value';

export type EventStatus = 'current' | 'corrected' | 'retracted';

/** An event as stored in the log, read back for folding. */
export interface RecordedEvent {
  eventId: string;
  type: EventType;
  subject: string;
  streamVersion: number;
  occurredAt: string | null;
  data: any;
  sources: Source[];
  modality: Modality;
  schemaVersion: number;
}

/** What the decider produces; the event store adds id, stream version, position and times. */
export interface NewEvent {
  type: EventType;
  subject: string;
  occurredAt: string | null;
  data: any;
  sources: Source[];
  modality: Modality;
  schemaVersion: number;
}

export interface StreamEventState {
  type: EventType;
  status: EventStatus;
  /** After corrections: the corrected occurredAt and data. */
  occurredAt: string | null;
  data: any;
}

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
