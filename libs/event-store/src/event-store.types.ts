/** What the write side hands to the store: one event, already decided and validated. */
export interface EventToAppend {
  eventId: string;
  type: string;
  schemaVersion: number;
  /** As given by the client (partial date, range, RFC 3339); null when not applicable. */
  occurredAt: string | null;
  /** The interval the partial date stands for, used by valid-time queries; inclusive start, exclusive end. */
  occurredStart: string | null;
  occurredEnd: string | null;
  data: unknown;
  sources: unknown[];
  modality: string;
  metadata: EventMetadata;
  /** Hash of the submitted content, so a retried id can be told apart from a reused one. */
  contentHash: string;
  /**
   * `JSON.stringify` of `data`, `sources` and `metadata`, when the caller has made it already (ingest has, to measure
   * the event's Kafka record): the store sends these instead of serializing the same values again.
   */
  json?: EventJson;
}

/** The JSON texts of an event's payload members (see EventToAppend.json). */
export interface EventJson {
  data: string;
  sources: string;
  metadata: string;
}

export interface EventMetadata {
  correlationId: string;
  causationId: string | null;
  actor: string;
  [key: string]: unknown;
}

/**
 * The type-specific part of a stored event. The log holds every schema version ever written, so by default a
 * stored event's data is untyped: readers upcast it (libs/domain) to get the typed union of today's shapes.
 */
export interface EventBody {
  type: string;
  data: unknown;
}

/** The fields every stored event has, next to its type and data: the server-side fields of PRODUCT.md's envelope included. */
export interface StoredEventFields {
  globalPosition: string;
  eventId: string;
  streamId: string;
  streamVersion: number;
  schemaVersion: number;
  occurredAt: string | null;
  occurredStart: string | null;
  occurredEnd: string | null;
  recordedAt: string;
  sources: unknown[];
  modality: string;
  metadata: EventMetadata;
  contentHash: string;
}

/** An event as stored; given a union of bodies (e.g. the domain's StoryEvent) it is the union of stored events. */
export type StoredEvent<B extends EventBody = EventBody> = B extends EventBody ? StoredEventFields & B : never;

/** `'any'` skips the check; `0` means the stream must not exist yet; n means the stream is at version n. */
export type ExpectedVersion = number | 'any';

export interface StreamAppend {
  streamId: string;
  expectedVersion: ExpectedVersion;
  events: EventToAppend[];
  /**
   * The writer's decision state of the stream once these events are in (opaque JSON to the store), kept in
   * `event_store.stream_states` by the same transaction as the events, at the version they bring the stream to.
   * Without it the stream's row (if any) is left behind at an older version, which readers take as no row.
   */
  state?: StreamStateToSave;
}

/** A stream's decision state as the writer hands it over: its JSON and the version of the writer's state schema. */
export interface StreamStateToSave {
  schema: number;
  data: unknown;
  /** `data` as JSON text, when the writer made it already (the store then sends it as it is). */
  json?: string;
}

/** A stream's row of `event_store.stream_states`: the state as of `version` (the stream version it reflects). */
export interface StoredStreamState extends StreamStateToSave {
  version: number;
}

/** A stream as a write first reads it: its version (0 when it has no event) and its kept state, if any. */
export interface StreamHead {
  version: number;
  /** Trust it only when `state.version === version` (an append without a state leaves it behind). */
  state: StoredStreamState | null;
}

export interface AppendedEvent {
  eventId: string;
  streamId: string;
  streamVersion: number;
  globalPosition: string;
  recordedAt: string;
}
