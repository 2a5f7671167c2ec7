import { StoredEvent } from './event-store.types';

/**
 * The envelope consumers of newsroom.events.v1 receive for a stored event: PRODUCT.md's submission plus the
 * server-side fields. The relay publishes exactly this, and the projector checks every message against it
 * (a message that differs from the store's record is refused as forged), so there is one definition.
 */
export function toWireEvent(e: StoredEvent) {
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
