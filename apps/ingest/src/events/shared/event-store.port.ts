import { PgEventStore } from '@newsroom/event-store';

/**
 * What the ingest use cases need of the event log. Injected under EVENT_STORE (the Postgres store in the app, an
 * in-memory one in the handlers' unit specs: @newsroom/testing's InMemoryEventStore).
 */
export type IngestEventStore = Pick<PgEventStore, 'readWriteState' | 'readForWrite' | 'appendMany' | 'findEvent' | 'readStream'>;
