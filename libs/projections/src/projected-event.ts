import { EventType, Modality, upcast } from '@newsroom/domain';
import type { StoredEvent } from '@newsroom/event-store';

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

/** Parses a Kafka message value; throws on anything that is not a well-formed event (it goes to the DLQ). */
export function parseWireEvent(value: Buffer | string): ProjectedEvent {
  const raw = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  if (!raw || typeof raw !== 'object' || typeof raw.id !== 'string' || typeof raw.type !== 'string') {
    throw new Error('not an event envelope');
  }
  if (!/^\d+$/.test(String(raw.globalPosition))) throw new Error('event without a global position');
  const current = upcast({ type: raw.type, schemaVersion: Number(raw.schemaVersion ?? 1), data: raw.data });
  return { ...raw, globalPosition: String(raw.globalPosition), type: current.type, schemaVersion: current.schemaVersion, data: current.data };
}

/** The same event read straight from the event store (rebuilds): the wire shape the relay publishes, upcast. */
export function projectedFromStored(e: StoredEvent): ProjectedEvent {
  const current = upcast({ type: e.type, schemaVersion: e.schemaVersion, data: e.data });
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
