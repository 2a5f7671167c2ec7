import { EventMetadata, StoredEvent } from './event-store.types';

/** Columns every read selects, in one place so the row mapper and the SQL cannot drift apart. */
export const EVENT_COLUMNS = `global_position, event_id, stream_id, stream_version, type, schema_version,
  occurred_at, occurred_start, occurred_end, recorded_at, data, sources, modality, metadata, content_hash`;

/** A row of event_store.events as the pg driver returns it (bigint as string, jsonb parsed, timestamptz as Date). */
export interface EventRow {
  global_position: string | number;
  event_id: string;
  stream_id: string;
  stream_version: string | number;
  type: string;
  schema_version: string | number;
  occurred_at: string | null;
  occurred_start: Date | string | null;
  occurred_end: Date | string | null;
  recorded_at: Date | string;
  data: unknown;
  sources: unknown[] | null;
  modality: string;
  metadata: EventMetadata;
  content_hash: string;
}

export function toStoredEvent(row: EventRow): StoredEvent {
  return {
    globalPosition: String(row.global_position),
    eventId: row.event_id,
    streamId: row.stream_id,
    streamVersion: Number(row.stream_version),
    type: row.type,
    schemaVersion: Number(row.schema_version),
    occurredAt: row.occurred_at,
    occurredStart: row.occurred_start ? new Date(row.occurred_start).toISOString() : null,
    occurredEnd: row.occurred_end ? new Date(row.occurred_end).toISOString() : null,
    recordedAt: new Date(row.recorded_at).toISOString(),
    data: row.data,
    sources: row.sources ?? [],
    modality: row.modality,
    metadata: row.metadata,
    contentHash: row.content_hash,
  };
}
