import { Pool } from 'pg';
import { DEFAULT_APPEND_QUEUE_LIMITS, GroupCommitter } from './group-committer.service';
export { APPEND_LOCK_KEY, EVENTS_CHANNEL } from './group-committer.service';
import { translateStoreError } from './store-error.mapper';
import { AppendedEvent, StoredEvent, StreamAppend } from './event-store.types';
import { EventLogReader } from './event-log.reader';
import { WriteReadCoalescer, WriteReads, WriteStateReads } from './write-reads.service';

/** Bounds of the store's waiting queues (see GroupCommitter and WriteReadCoalescer). */
export interface EventStoreLimits {
  /** Append submissions (one per write request or Kafka chunk) waiting for a group. */
  appendQueueSubmissions: number;
  /** Events in those submissions. */
  appendQueueEvents: number;
  /** Writers waiting for their coalesced read. */
  writeReadsQueue: number;
  /** Retry-After when a queue is full. */
  busyRetryAfterSeconds: number;
}

export const DEFAULT_EVENT_STORE_LIMITS: EventStoreLimits = {
  appendQueueSubmissions: DEFAULT_APPEND_QUEUE_LIMITS.maxSubmissions,
  appendQueueEvents: DEFAULT_APPEND_QUEUE_LIMITS.maxEvents,
  writeReadsQueue: 5000,
  busyRetryAfterSeconds: DEFAULT_APPEND_QUEUE_LIMITS.retryAfterSeconds,
};

/**
 * The server settings of the connections a writing PgEventStore runs on (the ingest's pool: createPgPool's
 * `settings`). `plan_cache_mode = force_generic_plan`: the write path's two prepared statements, the reads every write
 * starts from (STATE_SQL) and the group append, are planned once per connection, not at every write. Prepared by name
 * alone, Postgres planned both again at each run: after five runs it keeps the generic plan only if that plan's
 * estimated cost is no higher than the custom plans' average, and a plan that does not see the arrays' lengths (10
 * elements assumed) or, on young tables without statistics, their sizes, costs more on paper than one that does.
 * Planning was 28% of Postgres's CPU under single appends over HTTP (perf, 16 clients), and a write read plus append
 * cost 425-433 µs of Postgres CPU with custom plans against 278-324 µs generic (the store alone, 16 writers). The
 * generic plans are index lookups and hash joins whatever the arrays hold, and STATE_SQL is planned again as the log
 * doubles (stateStatementName). The other statements on such a pool (reads of the log by id, stream or position, the
 * health check) are single lookups whose generic plan is their custom one.
 */
export const EVENT_STORE_SERVER_SETTINGS: Readonly<Record<string, string>> = { plan_cache_mode: 'force_generic_plan' };

/** The append-only event log in Postgres: raw SQL, one class. Appends go through the group committer. */
export class PgEventStore {
  private readonly committer: GroupCommitter;
  private readonly writeReads: WriteReadCoalescer;
  private readonly log: EventLogReader;

  constructor(
    private readonly pool: Pool,
    limits: Partial<EventStoreLimits> = {},
  ) {
    const l = { ...DEFAULT_EVENT_STORE_LIMITS, ...limits };
    this.committer = new GroupCommitter(pool, (error) => this.translate(error), undefined, {
      maxSubmissions: l.appendQueueSubmissions,
      maxEvents: l.appendQueueEvents,
      retryAfterSeconds: l.busyRetryAfterSeconds,
    });
    this.writeReads = new WriteReadCoalescer(
      (sql, params, name) => this.query(sql, params, name),
      undefined,
      l.writeReadsQueue,
      l.busyRetryAfterSeconds,
    );
    this.log = new EventLogReader(pool);
  }

  /**
   * What a write reads first, the same amount however long its streams are: each stream's version and kept
   * decision state (`event_store.stream_states`), the events already stored under its ids, and the events its
   * decisions name with the corrections and retractions naming them; one query shared with concurrent writers
   * (see WriteReadCoalescer).
   */
  readWriteState(streamIds: string[], eventIds: string[], namedIds: string[] = []): Promise<WriteStateReads> {
    return this.writeReads.readState(streamIds, eventIds, namedIds);
  }

  /**
   * Whole streams and the events already stored under some ids, in one query shared with concurrent writers: what a
   * write folds when a stream has no kept state it can use (none yet, or one of another state schema).
   */
  readForWrite(streamIds: string[], eventIds: string[]): Promise<WriteReads> {
    return this.writeReads.read(streamIds, eventIds);
  }

  /** Appends to one stream with an optimistic version check, in one transaction. */
  async append(request: StreamAppend): Promise<AppendedEvent[]> {
    return this.appendMany([request]);
  }

  /**
   * Appends to several streams atomically (a story is all or nothing), through the group committer: concurrent
   * appends share one transaction and one commit, each still all or nothing and version-checked on its own.
   */
  async appendMany(requests: StreamAppend[]): Promise<AppendedEvent[]> {
    const nonEmpty = requests.filter((r) => r.events.length > 0);
    if (nonEmpty.length === 0) return [];
    const ids = new Set(nonEmpty.map((r) => r.streamId));
    // One request per stream: two would each claim the same versions, and their expected versions could not both hold.
    if (ids.size !== nonEmpty.length) throw new Error('appendMany got a stream twice; merge its events into one request');
    const appended = await this.committer.submit(nonEmpty);
    let head = 0;
    for (const e of appended) head = Math.max(head, Number(e.globalPosition));
    this.writeReads.sawPosition(head);
    return appended;
  }

  async streamVersion(streamId: string): Promise<number> {
    const { rows } = await this.query('SELECT version FROM event_store.streams WHERE stream_id = $1', [streamId]);
    return rows.length ? Number(rows[0].version) : 0;
  }

  async readStream(streamId: string, fromVersion = 1): Promise<StoredEvent[]> {
    return this.translated(this.log.readStream(streamId, fromVersion));
  }

  /** Committed events after a position, in position order. Safe against late commits (see APPEND_LOCK_KEY). */
  async readAll(afterPosition: string | number, limit: number): Promise<StoredEvent[]> {
    return this.translated(this.log.readAll({ after: afterPosition, limit }));
  }

  /** The streams of the latest events at or below `upTo`, newest first (EventLogReader.latestStreams). */
  async latestStreams(upTo: string, limit: number): Promise<Array<{ position: string; streamId: string }>> {
    return this.translated(this.log.latestStreams(upTo, limit));
  }

  async findEvent(eventId: string): Promise<StoredEvent | null> {
    return this.translated(this.log.readById(eventId));
  }

  async headPosition(): Promise<string> {
    return this.translated(this.log.head());
  }

  /** The store's identity (`store-id` on every message), or null on a schema from before it. */
  async storeId(): Promise<string | null> {
    return this.translated(this.log.storeId());
  }

  private async translated<T>(read: Promise<T>): Promise<T> {
    try {
      return await read;
    } catch (error) {
      throw this.translate(error);
    }
  }

  /** `name`: a statement prepared once per connection under that name (parsed and planned once, then reused). */
  private async query(sql: string, params: unknown[] = [], name?: string) {
    try {
      return await (name ? this.pool.query({ name, text: sql, values: params }) : this.pool.query(sql, params));
    } catch (error) {
      throw this.translate(error);
    }
  }

  private translate(error: unknown): Error {
    return translateStoreError(error);
  }
}
