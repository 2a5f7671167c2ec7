import {
  AmendmentEvent,
  EventStatus,
  foldStream,
  InferredField,
  inferredOf,
  isAmendment,
  namesAField,
  StreamState,
} from '@newsroom/domain';
import { EventMetadata, StoredEvent } from '@newsroom/event-store';
import { toRecordedEvent } from '../events/shared/stored-to-recorded.mapper';

/** An event as the API shows it: the submission envelope plus the fields the server added. */
export interface EventView {
  id: string;
  type: string;
  subject: string;
  occurredAt: string | null;
  data: unknown;
  sources: unknown[];
  modality: string;
  streamVersion: number;
  globalPosition: string;
  recordedAt: string;
  schemaVersion: number;
  metadata: EventMetadata;
  /** The fields its sources do not state, with a note each ([] when none). */
  inferred: InferredField[];
}

/** One correction or retraction of an event, oldest first. */
interface AmendmentView {
  id: string;
  type: 'event.corrected' | 'event.retracted';
  recordedAt: string;
  globalPosition: string;
  reason: string;
  changes?: { occurredAt?: string; data?: Record<string, unknown>; inferred?: InferredField[] };
  sources?: unknown[];
}

export interface EventDetailView extends EventView {
  status: EventStatus;
  /** occurredAt, data and inferred after every correction (the recorded ones when never corrected). */
  current: { occurredAt: string | null; data: unknown; inferred: InferredField[] };
  history: AmendmentView[];
}

/** Old schema versions are upcast on read: clients always see today's shape. */
export function toEventView(stored: StoredEvent): EventView {
  const e = toRecordedEvent(stored);
  return {
    id: e.eventId,
    type: e.type,
    subject: e.subject,
    occurredAt: e.occurredAt,
    data: e.data,
    sources: e.sources,
    modality: e.modality,
    streamVersion: stored.streamVersion,
    globalPosition: stored.globalPosition,
    recordedAt: stored.recordedAt,
    schemaVersion: e.schemaVersion,
    metadata: stored.metadata,
    inferred: inferredOf(stored.metadata),
  };
}

const isAmendmentOf = (e: StoredEvent, eventId: string): e is StoredEvent & AmendmentEvent =>
  isAmendment(e) && e.data?.targetEventId === eventId;

function toAmendment(e: StoredEvent & AmendmentEvent): AmendmentView {
  return {
    id: e.eventId,
    type: e.type,
    recordedAt: e.recordedAt,
    globalPosition: e.globalPosition,
    reason: e.data.reason,
    ...(e.type === 'event.corrected' ? { changes: e.data.changes } : {}),
    ...(e.sources?.length ? { sources: e.sources } : {}),
  };
}

/** Folds the subject's stream (the same fold the rules use) and describes one event of it. */
export function foldStoredStream(subject: string, stream: StoredEvent[]): StreamState {
  return foldStream(subject, stream.map(toRecordedEvent));
}

export function toEventDetail(eventId: string, stream: StoredEvent[], state: StreamState): EventDetailView | null {
  const stored = stream.find((e) => e.eventId === eventId);
  const folded = state.events.get(eventId);
  if (!stored || !folded) return null;
  const history = stream.filter((e) => isAmendmentOf(e, eventId)).map(toAmendment);
  // The latest correction that gave a list wins; without one the list is the recorded one, less any field a correction
  // removed (as the read models keep it).
  const inferred = history
    .reduce((list, a) => a.changes?.inferred ?? list, inferredOf(stored.metadata))
    .filter((i) => namesAField({ occurredAt: folded.occurredAt, data: folded.data }, i.path));
  return {
    ...toEventView(stored),
    status: folded.status,
    current: { occurredAt: folded.occurredAt, data: folded.data, inferred },
    history,
  };
}
