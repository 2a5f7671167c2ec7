import { EventOf, EventType, Modality, Source, upcast, type UpcastEvent, type UpcastFn } from '@newsroom/domain';
import type { StoredEvent } from '@newsroom/event-store';
import { decodeWireEvent } from '@newsroom/messaging';

/** The envelope of a projected event, next to its `type` and `data`. */
export interface ProjectedEventFields {
  id: string;
  subject: string;
  occurredAt: string | null;
  sources: Source[];
  modality: Modality;
  streamVersion: number;
  globalPosition: string;
  recordedAt: string;
  schemaVersion: number;
  metadata: { correlationId?: string; causationId?: string | null; actor?: string; [k: string]: unknown };
}

/**
 * An event as it travels on newsroom.events.v1 and as projections see it (upcast to the current schema): a union
 * over the event types, so `type` narrows `data` and a renamed field fails to compile in every projection reading it.
 */
export type ProjectedEvent<T extends EventType = EventType> = EventOf<T, ProjectedEventFields>;

/**
 * Decodes a Kafka message value (the wire format: @newsroom/messaging) and upcasts it to the current schema;
 * throws on anything that is not a well-formed event (it goes to the DLQ).
 */
export function parseWireEvent(value: Buffer | string, upcastFn: UpcastFn = upcast): ProjectedEvent {
  const raw = decodeWireEvent(value);
  const current = upcastFn({ type: raw.type, schemaVersion: raw.schemaVersion, data: raw.data });
  return { ...raw, type: current.type, schemaVersion: current.schemaVersion, data: current.data } as ProjectedEvent;
}

/** The same event read straight from the event store (rebuilds): the wire shape the relay publishes, upcast. */
export function projectedFromStored(e: StoredEvent, upcastFn: UpcastFn = upcast): ProjectedEvent {
  return projected(e, upcastFn({ type: e.type, schemaVersion: e.schemaVersion, data: e.data }));
}

function projected<T extends EventType>(e: StoredEvent, current: UpcastEvent<T>): ProjectedEvent<T> {
  return {
    id: e.eventId,
    type: current.type,
    subject: e.streamId,
    occurredAt: e.occurredAt,
    data: current.data,
    // Checked against the sources schema and the modalities when written.
    sources: e.sources as Source[],
    modality: e.modality as Modality,
    streamVersion: e.streamVersion,
    globalPosition: e.globalPosition,
    recordedAt: e.recordedAt,
    schemaVersion: current.schemaVersion,
    metadata: e.metadata,
  };
}
