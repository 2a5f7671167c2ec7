import {
  AppendedEvent,
  DuplicateEventIdError,
  PgEventStore,
  StoredEvent,
  StoredStreamState,
  StreamAppend,
  WriteReads,
  WriteStateReads,
  WrongExpectedVersionError,
} from '@newsroom/event-store';

/** The part of the store the write and read use cases call (what apps/ingest injects as its event store). */
export type EventLogApi = Pick<PgEventStore, 'readWriteState' | 'readForWrite' | 'appendMany' | 'findEvent' | 'readStream'>;

/**
 * The event log in memory, with the Postgres store's guarantees that the write path relies on: an append is all or
 * nothing over its streams, checks each stream's expected version (WrongExpectedVersionError) and refuses an event
 * id already stored (DuplicateEventIdError). For handler unit specs; `beforeAppend` lets a test slip in a
 * concurrent writer between a handler's read and its append.
 */
export class InMemoryEventStore implements EventLogApi {
  private readonly log: StoredEvent[] = [];
  private readonly byId = new Map<string, StoredEvent>();
  private readonly streams = new Map<string, StoredEvent[]>();
  /**
   * The kept stream states (`event_store.stream_states`), as JSON went through a database: written with an append
   * that carries one, at the version it brings the stream to. A test may change or delete one.
   */
  readonly states = new Map<string, StoredStreamState>();
  /** How many whole streams were read (readForWrite and readStream): what a write on a kept state never does. */
  streamReads = 0;
  /** How many times a write's state was read (readWriteState): what a write on a stream its writer kept skips. */
  stateReads = 0;
  /** Called at the start of every appendMany (an append made from inside it does not call it again). */
  beforeAppend: ((requests: StreamAppend[]) => Promise<void> | void) | null = null;
  appendCalls = 0;
  private inHook = false;

  /** Every stored event, in global order. */
  get events(): readonly StoredEvent[] {
    return this.log;
  }

  async readWriteState(streamIds: string[], eventIds: string[], namedIds: string[] = []): Promise<WriteStateReads> {
    this.stateReads++;
    const named = new Map<string, StoredEvent[]>();
    for (const id of namedIds) {
      const own = this.log.filter(
        (e) =>
          e.eventId === id ||
          ((e.type === 'event.corrected' || e.type === 'event.retracted') && (e.data as { targetEventId?: unknown }).targetEventId === id),
      );
      if (own.length) named.set(id, own.map(clone));
    }
    const heads = streamIds.map((id) => {
      const state = this.states.get(id);
      return [id, { version: this.streams.get(id)?.length ?? 0, state: state ? clone(state) : null }] as const;
    });
    return { heads: new Map(heads), existing: this.existing(eventIds), named };
  }

  async readForWrite(streamIds: string[], eventIds: string[]): Promise<WriteReads> {
    this.streamReads += streamIds.length;
    return { streams: new Map(streamIds.map((id) => [id, (this.streams.get(id) ?? []).map(clone)])), existing: this.existing(eventIds) };
  }

  private existing(eventIds: string[]): Map<string, StoredEvent> {
    const existing = new Map<string, StoredEvent>();
    for (const id of eventIds) {
      const e = this.byId.get(id);
      if (e) existing.set(id, clone(e));
    }
    return existing;
  }

  async appendMany(requests: StreamAppend[]): Promise<AppendedEvent[]> {
    this.appendCalls++;
    if (this.beforeAppend && !this.inHook) {
      this.inHook = true;
      try {
        await this.beforeAppend(requests);
      } finally {
        this.inHook = false;
      }
    }
    const nonEmpty = requests.filter((r) => r.events.length > 0);
    if (new Set(nonEmpty.map((r) => r.streamId)).size !== nonEmpty.length)
      throw new Error('appendMany got a stream twice; merge its events into one request');
    // Every check before any write: all or nothing.
    const ids = new Set<string>();
    for (const r of nonEmpty) {
      const actual = this.streams.get(r.streamId)?.length ?? 0;
      if (r.expectedVersion !== 'any' && r.expectedVersion !== actual)
        throw new WrongExpectedVersionError(r.streamId, r.expectedVersion, actual || null);
      for (const e of r.events) {
        if (this.byId.has(e.eventId) || ids.has(e.eventId)) throw new DuplicateEventIdError(e.eventId);
        ids.add(e.eventId);
      }
    }
    const appended: AppendedEvent[] = [];
    const recordedAt = new Date().toISOString();
    for (const r of nonEmpty) {
      const stream = this.streams.get(r.streamId) ?? [];
      this.streams.set(r.streamId, stream);
      for (const e of r.events) {
        const stored: StoredEvent = clone({
          globalPosition: String(this.log.length + 1),
          eventId: e.eventId,
          streamId: r.streamId,
          streamVersion: stream.length + 1,
          type: e.type,
          schemaVersion: e.schemaVersion,
          occurredAt: e.occurredAt,
          occurredStart: e.occurredStart,
          occurredEnd: e.occurredEnd,
          recordedAt,
          data: e.data,
          sources: e.sources,
          modality: e.modality,
          metadata: e.metadata,
          contentHash: e.contentHash,
        });
        stream.push(stored);
        this.log.push(stored);
        this.byId.set(stored.eventId, stored);
        appended.push({
          eventId: stored.eventId,
          streamId: stored.streamId,
          streamVersion: stored.streamVersion,
          globalPosition: stored.globalPosition,
          recordedAt,
        });
      }
      if (r.state)
        this.states.set(r.streamId, { version: stream.length, schema: r.state.schema, data: JSON.parse(JSON.stringify(r.state.data)) });
    }
    return appended;
  }

  async readStream(streamId: string, fromVersion = 1): Promise<StoredEvent[]> {
    this.streamReads++;
    return (this.streams.get(streamId) ?? []).filter((e) => e.streamVersion >= fromVersion).map(clone);
  }

  async findEvent(eventId: string): Promise<StoredEvent | null> {
    const e = this.byId.get(eventId);
    return e ? clone(e) : null;
  }
}

// Callers get copies, as from a database: nothing they change alters the log.
const clone = <T>(value: T): T => structuredClone(value);
