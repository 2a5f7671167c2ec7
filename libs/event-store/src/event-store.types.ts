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
}

export interface AppendedEvent {
  eventId: string;
  streamId: string;
  streamVersion: number;
  globalPosition: string;
  recordedAt: string;
}
