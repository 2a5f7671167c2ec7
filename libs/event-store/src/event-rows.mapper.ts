import { StoredEvent } from './event-store.types';

/** Columns every read selects, in one place so the row mapper and the SQL cannot drift apart. */
export const EVENT_COLUMNS = `global_position, event_id, stream_id, stream_version, type, schema_version,
  occurred_at, occurred_start, occurred_end, recorded_at, data, sources, modality, metadata, content_hash`;

export function toStoredEvent(row: Record<string, any>): StoredEvent {
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
