import { canonicalJson, type StoredEvent } from '@newsroom/event-store';
import { recordBytes } from '@newsroom/platform';
import type { Headers, OutgoingMessage } from '../messaging.types';
import { EVENT_HEADERS } from '../topics.config';
import { CLOUDEVENTS_HEADERS, CLOUDEVENTS_SPEC_VERSION, cloudEventsSource } from './cloud-events.const';

/**
 * The wire format of newsroom.events.v1, in one place: the envelope, the Kafka message the relay publishes for a
 * stored event (key, value, headers), and the decoding the projector does. The projector refuses any message whose
 * content differs from what `encodeWireValue` makes of the store's record at its position (store-vouching), so
 * writer and reader must share these functions: two copies drifting apart would refuse every real event.
 */

/** The header carrying the identity of the event store a message came from: a projector of another store skips it. */
export const STORE_ID_HEADER = 'store-id';

/** The envelope consumers receive for a stored event: PRODUCT.md's submission plus the server-side fields. */
export interface WireEvent {
  id: string;
  type: string;
  subject: string;
  occurredAt: string | null;
  data: StoredEvent['data'];
  sources: StoredEvent['sources'];
  modality: string;
  streamVersion: number;
  globalPosition: string;
  recordedAt: string;
  schemaVersion: number;
  metadata: StoredEvent['metadata'];
}

/** The envelope of a stored event. Its key order is the order on the wire (see `encodeWireValue`). */
export function toWireEvent(e: StoredEvent): WireEvent {
  return {
    id: e.eventId,
    type: e.type,
    subject: e.streamId,
    occurredAt: e.occurredAt,
    data: e.data,
    sources: e.sources,
    modality: e.modality,
    streamVersion: e.streamVersion,
    globalPosition: e.globalPosition,
    recordedAt: e.recordedAt,
    schemaVersion: e.schemaVersion,
    metadata: e.metadata,
  };
}

/** The message value for a stored event, byte for byte what the relay publishes. */
export function encodeWireValue(e: StoredEvent): string {
  return JSON.stringify(toWireEvent(e));
}

/**
 * The Kafka message for a stored event: keyed by its stream (a stream's events stay in order on one partition),
 * the envelope as value, and headers that place it without parsing the value. With the store's identity (`store-id`)
 * when known, so a projector can refuse another store's events. The CloudEvents attributes ride as `ce_*` headers
 * (binary mode), so off-the-shelf consumers understand the events; store-vouching compares values only.
 */
export function toWireMessage(e: StoredEvent, storeId: string | null = null): WireMessage {
  return { key: e.streamId, value: encodeWireValue(e), headers: wireHeaders(e, storeId) };
}

/** An event's message: keyed, with text headers. */
type WireMessage = OutgoingMessage & { key: string; headers: Headers };

/** A message as the relay publishes it, with its size inside a Kafka record batch (an upper bound, uncompressed). */
export interface EncodedWireMessage {
  message: WireMessage & { value: Buffer };
  bytes: number;
}

/**
 * `toWireMessage` for publishing: the envelope's JSON is built once, straight into the bytes the producer sends
 * (kafkajs copies a Buffer value as is; a string would be measured and encoded again), and the record's size is
 * taken from those bytes, so no second pass over the JSON measures it. `partitionPrev`: the `partition-prev-position`
 * header (the relay's PartitionChain), when known.
 */
export function encodeWireMessage(e: StoredEvent, storeId: string | null = null, partitionPrev: string | null = null): EncodedWireMessage {
  const headers = wireHeaders(e, storeId);
  if (partitionPrev !== null) headers[EVENT_HEADERS.partitionPrevPosition] = partitionPrev;
  const message = { key: e.streamId, value: Buffer.from(encodeWireValue(e)), headers };
  return { message, bytes: recordBytes(message) };
}

function wireHeaders(e: StoredEvent, storeId: string | null): Headers {
  const headers: Headers = {
    [EVENT_HEADERS.eventId]: e.eventId,
    [EVENT_HEADERS.type]: e.type,
    [EVENT_HEADERS.globalPosition]: e.globalPosition,
    [EVENT_HEADERS.schemaVersion]: String(e.schemaVersion),
    [EVENT_HEADERS.streamVersion]: String(e.streamVersion),
    [EVENT_HEADERS.correlationId]: e.metadata?.correlationId ?? '',
    [EVENT_HEADERS.causationId]: e.metadata?.causationId ?? '',
    // CloudEvents 1.0, Kafka binary content mode: the value is the event's data (our envelope), its attributes are headers.
    [CLOUDEVENTS_HEADERS.specversion]: CLOUDEVENTS_SPEC_VERSION,
    [CLOUDEVENTS_HEADERS.id]: e.eventId,
    [CLOUDEVENTS_HEADERS.source]: cloudEventsSource(storeId),
    [CLOUDEVENTS_HEADERS.type]: e.type,
    [CLOUDEVENTS_HEADERS.time]: e.recordedAt,
    [CLOUDEVENTS_HEADERS.subject]: e.streamId,
    [CLOUDEVENTS_HEADERS.contentType]: 'application/json',
  };
  if (storeId) headers[STORE_ID_HEADER] = storeId;
  return headers;
}

/**
 * Decodes a message value into its envelope; throws on anything that is not a well-formed one (an id and a type
 * as strings, a decimal global position). The data is as sent, not yet upcast, and not checked here: the reader
 * upcasts it to the schema it knows.
 */
export function decodeWireEvent(value: Buffer | string): WireEvent {
  const raw = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  if (!raw || typeof raw !== 'object' || typeof raw.id !== 'string' || typeof raw.type !== 'string') {
    throw new Error('not an event envelope');
  }
  if (!/^\d+$/.test(String(raw.globalPosition))) throw new Error('event without a global position');
  return { ...raw, globalPosition: String(raw.globalPosition), schemaVersion: Number(raw.schemaVersion ?? 1) };
}

/** Where an event sits in the log, as far as a message that could not be decoded or read still tells. */
export interface EventIdentity {
  position: string;
  id: string | null;
  type: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const POSITION = /^[1-9]\d{0,18}$/;
const MAX_POSITION = 2n ** 63n - 1n;

/** The position a message's `global-position` header gives (the relay sets it), or null when it gives none usable. */
export function headerPosition(headers: Record<string, string | undefined>): bigint | null {
  const text = headers[EVENT_HEADERS.globalPosition];
  if (!text || !POSITION.test(text)) return null;
  const position = BigInt(text);
  return position <= MAX_POSITION ? position : null;
}

/**
 * The position, id and type of a message a reader refused: from its envelope when it is JSON (an unknown type or a
 * newer schema version), else from the headers the relay sets (`global-position`, `event-id`, `event-type`). Null
 * when neither says where it sits in the log: such a message can only be dead-lettered.
 */
export function identifyMessage(value: Buffer | string, headers: Record<string, string | undefined>): EventIdentity | null {
  let raw: unknown = null;
  try {
    raw = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch {
    raw = null;
  }
  const envelope = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const position = [envelope.globalPosition, headers[EVENT_HEADERS.globalPosition]]
    .map((p) => (typeof p === 'string' || typeof p === 'number' ? String(p) : ''))
    .find((p) => POSITION.test(p));
  if (!position) return null;
  const id = [envelope.id, headers[EVENT_HEADERS.eventId]].find((v): v is string => typeof v === 'string' && UUID.test(v)) ?? null;
  const type = [envelope.type, headers[EVENT_HEADERS.type]].find((v): v is string => typeof v === 'string' && v.length > 0) ?? 'unknown';
  return { position, id, type: type.slice(0, 200) };
}

/** How a message differs from the store's record at its position. */
export type WireMismatch = 'id-mismatch' | 'content-mismatch';

/**
 * Null when the message value is what the relay publishes for the record, else how it differs. A string
 * comparison with `encodeWireValue(record)`; only when the bytes differ is the content compared as canonical JSON
 * (same members and values in another key order or spacing is the same event).
 */
export function wireMismatch(value: Buffer | string, record: StoredEvent): WireMismatch | null {
  const raw = typeof value === 'string' ? value : value.toString('utf8');
  const wire = encodeWireValue(record);
  if (raw === wire) return null;
  let sent: unknown;
  try {
    sent = JSON.parse(raw);
  } catch {
    return 'content-mismatch';
  }
  if (!sent || typeof sent !== 'object' || (sent as { id?: unknown }).id !== record.eventId) return 'id-mismatch';
  return canonicalJson(sent) === canonicalJson(JSON.parse(wire)) ? null : 'content-mismatch';
}
