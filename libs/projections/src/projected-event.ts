import { EventType, Modality, upcast, type UpcastFn } from '@newsroom/domain';
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
export function parseWireEvent(value: Buffer | string, upcastFn: UpcastFn = upcast): ProjectedEvent {
  const raw = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  if (!raw || typeof raw !== 'object' || typeof raw.id !== 'string' || typeof raw.type !== 'string') {
    throw new Error('not an event envelope');
  }
  if (!/^\d+$/.test(String(raw.globalPosition))) throw new Error('event without a global position');
  const current = upcastFn({ type: raw.type, schemaVersion: Number(raw.schemaVersion ?? 1), data: raw.data });
  return { ...raw, globalPosition: String(raw.globalPosition), type: current.type, schemaVersion: current.schemaVersion, data: current.data };
}

/** Where an event sits in the log, as far as a message that could not be parsed still tells. */
export interface EventIdentity {
  position: string;
  id: string | null;
  type: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const POSITION = /^[1-9]\d{0,18}$/;

/**
 * The position, id and type of a message `parseWireEvent` refused: from its envelope when it is JSON (an unknown
 * type or a newer schema version), else from the headers the relay sets (`global-position`, `event-id`,
 * `event-type`). Null when neither says where it sits in the log: such a message can only be dead-lettered.
 */
export function identifyMessage(value: Buffer | string, headers: Record<string, string | undefined>): EventIdentity | null {
  let raw: any = null;
  try {
    raw = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch {
    raw = null;
  }
  const envelope = raw && typeof raw === 'object' ? raw : {};
  const position = [envelope.globalPosition, headers['global-position']].map((p) => (p == null ? '' : String(p))).find((p) => POSITION.test(p));
  if (!position) return null;
  const id = [envelope.id, headers['event-id']].find((v) => typeof v === 'string' && UUID.test(v)) ?? null;
  const type = [envelope.type, headers['event-type']].find((v) => typeof v === 'string' && v.length > 0) ?? 'unknown';
  return { position, id, type: String(type).slice(0, 200) };
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
