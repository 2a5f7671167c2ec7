import { EventType, Modality, upcast, type UpcastFn } from '@newsroom/domain';
import type { StoredEvent } from '@newsroom/event-store';
import { decodeWireEvent } from '@newsroom/messaging';

/** An event as it travels on newsroom.events.v1 and as projections see it (upcast to the current schema). */
export interface ProjectedEvent {
  id: string;
  type: EventType;
  subject: string;
  occurredAt: string | null;
  data: any;
  sources: any[];
  modality: Modality;
  streamVersion: number;
  globalPosition: string;
  recordedAt: string;
  schemaVersion: number;
  metadata: { correlationId?: string; causationId?: string | null; actor?: string; [k: string]: unknown };
}

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
  const current = upcastFn({ type: e.type, schemaVersion: e.schemaVersion, data: e.data });
  return {
    id: e.eventId,
    type: current.type as EventType,
    subject: e.streamId,
    occurredAt: e.occurredAt,
    data: current.data,
    sources: e.sources,
    modality: e.modality as Modality,
    streamVersion: e.streamVersion,
    globalPosition: e.globalPosition,
    recordedAt: e.recordedAt,
    schemaVersion: current.schemaVersion,
    metadata: e.metadata,
  };
}
