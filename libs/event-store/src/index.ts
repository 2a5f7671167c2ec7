export * from './event-store.types';
export * from './event-store.errors';
export { PgEventStore, APPEND_LOCK_KEY, EVENTS_CHANNEL } from './pg-event-store';
export { toStoredEvent, EVENT_COLUMNS } from './event-rows.mapper';
export { contentHash, canonicalJson } from './content-hash';
export type { WriteReads } from './write-reads';
