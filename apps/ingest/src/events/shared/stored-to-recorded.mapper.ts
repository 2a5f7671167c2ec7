import { RecordedEvent, Source, upcast } from '@newsroom/domain';
import { StoredEvent } from '@newsroom/event-store';

/** Reads old events in today's shape: upcasters run on every read of the log. */
export function toRecordedEvent(e: StoredEvent): RecordedEvent {
  const current = upcast({ type: e.type, schemaVersion: e.schemaVersion, data: e.data });
  return {
    eventId: e.eventId,
    ...current,
    subject: e.streamId,
    streamVersion: e.streamVersion,
    occurredAt: e.occurredAt,
    // Checked against the sources schema when written, like the modality.
    sources: e.sources as Source[],
    modality: e.modality as RecordedEvent['modality'],
  };
}
