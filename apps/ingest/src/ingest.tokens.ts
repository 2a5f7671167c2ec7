/** Injection tokens of the ingest app's shared clients (kept apart from the module to avoid import cycles). */
export const PG_POOL = Symbol('PG_POOL');
export const KAFKA = Symbol('KAFKA');
/** The event log the use cases read and append to (IngestEventStore). */
export const EVENT_STORE = Symbol('EVENT_STORE');
