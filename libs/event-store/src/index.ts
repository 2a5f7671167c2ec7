export * from './event-store.types';
export * from './event-store.errors';
export {
  PgEventStore,
  APPEND_LOCK_KEY,
  EVENTS_CHANNEL,
  DEFAULT_EVENT_STORE_LIMITS,
  EVENT_STORE_SERVER_SETTINGS,
  type EventStoreLimits,
} from './pg-event-store.adapter';
export { translateStoreError } from './store-error.mapper';
export { EventLogReader, EVENT_LOG_SQL, type LogConnection, type LogRange } from './event-log.reader';
export { contentHash, canonicalJson } from './content-hash.util';
export type { WriteReads, WriteStateReads } from './write-reads.service';
