import { EventOf, EventType, Modality, Source, upcast, type UpcastEvent, type UpcastFn } from '@newsroom/domain';
import type { StoredEvent } from '@newsroom/event-store';

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

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Parses a Kafka message value; throws on anything that is not a well-formed event (it goes to the DLQ). */
export function parseWireEvent(value: Buffer | string, upcastFn: UpcastFn = upcast): ProjectedEvent {
  const raw: unknown = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  if (!isRecord(raw) || typeof raw.id !== 'string' || typeof raw.type !== 'string') {
    throw new Error('not an event envelope');
  }
  if (!/^\d+$/.test(String(raw.globalPosition))) throw new Error('event without a global position');
  const current = upcastFn({ type: raw.type, schemaVersion: Number(raw.schemaVersion ?? 1), data: raw.data });
  // The rest of the envelope is the relay's copy of the store's record, as written by the store (the runner vouches
  // for messages against the store); only the data needed the upcaster.
  const envelope = raw as unknown as ProjectedEventFields;
  return { ...envelope, globalPosition: String(raw.globalPosition), ...current };
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
  let raw: unknown = null;
  try {
    raw = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch {
    raw = null;
  }
  const envelope: Record<string, unknown> = isRecord(raw) ? raw : {};
  const position = [envelope.globalPosition, headers['global-position']].map((p) => (p == null ? '' : String(p))).find((p) => POSITION.test(p));
  if (!position) return null;
  const id = [envelope.id, headers['event-id']].find((v): v is string => typeof v === 'string' && UUID.test(v)) ?? null;
  const type = [envelope.type, headers['event-type']].find((v) => typeof v === 'string' && v.length > 0) ?? 'unknown';
  return { position, id, type: String(type).slice(0, 200) };
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
