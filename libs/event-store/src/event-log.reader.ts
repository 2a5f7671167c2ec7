import { EVENT_COLUMNS, EventRow, toStoredEvent } from './event-rows.mapper';
import { StoredEvent } from './event-store.types';

/**
 * Anything that runs a statement: a pg Pool or client (answers `{ rows }`), or a TypeORM DataSource or
 * EntityManager (answers the rows). A reader on a transaction's manager reads inside that transaction.
 */
export interface LogConnection {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

type Row = Record<string, unknown>;

/** Bounds of a read in position order: `after` exclusive, then `before` exclusive or `upTo` inclusive. */
export interface LogRange {
  after: string | number | bigint;
  before?: string | number | bigint | null;
  upTo?: string | number | bigint | null;
}

const UNDEFINED_TABLE = '42P01';

/**
 * The only reads of the log (`event_store.events`) outside the store's own write path: the relay, the projector,
 * the rebuild, the replay, the feed watermark and the query service's feed status all read through here. Driver errors pass through unchanged
 * (callers tell transient ones by their SQLSTATE); `PgEventStore` translates them for its own methods.
 *
 * Every read is a single statement on the primary key (`global_position`), so a reader costs what the SQL it
 * replaced did: the relay's and the rebuild's pages keep the shape `WHERE global_position > $1 [AND <= $2]
 * ORDER BY global_position LIMIT n`.
 */
export class EventLogReader {
  constructor(private readonly db: LogConnection) {}

  /** Committed events in position order after `after` (and up to `upTo` or below `before`), at most `limit`. */
  async readAll(range: LogRange & { limit: number }): Promise<StoredEvent[]> {
    const params: unknown[] = [String(range.after)];
    let where = 'global_position > $1';
    if (range.upTo != null) {
      params.push(String(range.upTo));
      where += ` AND global_position <= $${params.length}`;
    }
    if (range.before !== undefined) {
      // `before: null` keeps the bound's slot (no upper bound), so the statement has one shape whatever the gap.
      params.push(range.before === null ? null : String(range.before));
      where += ` AND ($${params.length}::bigint IS NULL OR global_position < $${params.length})`;
    }
    params.push(range.limit);
    const rows = await this.rows<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM event_store.events WHERE ${where} ORDER BY global_position LIMIT $${params.length}`,
      params,
    );
    return rows.map(toStoredEvent);
  }

  /**
   * The range in pages of `pageSize`, read one after the other (each after the last position of the one before):
   * for reads that would not fit one answer (a gap to fill). Stops at the first short page.
   */
  async *pages(range: LogRange & { pageSize: number }): AsyncGenerator<StoredEvent[]> {
    let after = String(range.after);
    for (;;) {
      const page = await this.readAll({ ...range, after, limit: range.pageSize });
      if (!page.length) return;
      yield page;
      if (page.length < range.pageSize) return;
      after = page[page.length - 1].globalPosition;
    }
  }

  /** The events at these positions (those the store holds; a hole or a position past the head is absent). */
  async readByPositions(positions: ReadonlyArray<string | bigint>): Promise<StoredEvent[]> {
    if (!positions.length) return [];
    const rows = await this.rows<EventRow>(`SELECT ${EVENT_COLUMNS} FROM event_store.events WHERE global_position = ANY($1::bigint[])`, [
      positions.map(String),
    ]);
    return rows.map(toStoredEvent);
  }

  /** The positions of the events recorded under these ids (an id the store does not hold is absent). */
  async positionsOf(eventIds: readonly string[]): Promise<Map<string, string>> {
    if (!eventIds.length) return new Map();
    const rows = await this.rows<{ id: string; p: string }>(
      `SELECT event_id::text AS id, global_position::text AS p FROM event_store.events WHERE event_id = ANY($1::uuid[])`,
      [eventIds],
    );
    return new Map(rows.map((r) => [r.id, r.p]));
  }

  /** The event recorded under an id, or null. */
  async readById(eventId: string): Promise<StoredEvent | null> {
    const rows = await this.rows<EventRow>(`SELECT ${EVENT_COLUMNS} FROM event_store.events WHERE event_id = $1`, [eventId]);
    return rows.length ? toStoredEvent(rows[0]) : null;
  }

  /** A stream's events from a version on, in version order. */
  async readStream(streamId: string, fromVersion = 1): Promise<StoredEvent[]> {
    const rows = await this.rows<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM event_store.events WHERE stream_id = $1 AND stream_version >= $2 ORDER BY stream_version`,
      [streamId, fromVersion],
    );
    return rows.map(toStoredEvent);
  }

  /** How many events of a stream were recorded after a position. */
  async countInStreamAfter(streamId: string, after: string | bigint): Promise<number> {
    const [row] = await this.rows(`SELECT count(*)::int AS n FROM event_store.events WHERE stream_id = $1 AND global_position > $2`, [
      streamId,
      String(after),
    ]);
    return Number(row.n);
  }

  /**
   * The streams of the latest events at or below `upTo`, newest first, at most `limit` (position and stream only, by
   * the primary key backwards): where the relay finds each partition's last event when it starts a partition chain.
   */
  async latestStreams(upTo: string | number | bigint, limit: number): Promise<Array<{ position: string; streamId: string }>> {
    const rows = await this.rows<{ p: string; s: string }>(
      `SELECT global_position::text AS p, stream_id AS s FROM event_store.events WHERE global_position <= $1 ORDER BY global_position DESC LIMIT $2`,
      [String(upTo), limit],
    );
    return rows.map((r) => ({ position: r.p, streamId: r.s }));
  }

  /**
   * How far the relay has published the log to `topic` (its checkpoint, moved only after the broker acknowledged
   * everything up to it), '0' before its first cycle.
   */
  async publishedUpTo(topic: string): Promise<string> {
    const [row] = await this.rows<{ p: string }>('SELECT position::text AS p FROM event_store.relay_checkpoints WHERE name = $1', [topic]);
    return row?.p ?? '0';
  }

  /**
   * The relay's checkpoint for `topic` ('0' before its first save) and the committed events after it, at most
   * `limit`, in one statement: what a relay cycle reads first, in one round trip instead of two (read on the relay
   * leader's lock session, so a lost lease fails it as the checkpoint's own read did).
   */
  async unpublished(topic: string, limit: number): Promise<{ checkpoint: string; events: StoredEvent[] }> {
    const rows = await this.rows<EventRow & { checkpoint: string }>(
      `WITH c AS (SELECT coalesce((SELECT position FROM event_store.relay_checkpoints WHERE name = $1), 0) AS position)
       SELECT c.position::text AS checkpoint, e.* FROM c LEFT JOIN LATERAL (
         SELECT ${EVENT_COLUMNS} FROM event_store.events WHERE global_position > c.position ORDER BY global_position LIMIT $2
       ) e ON true`,
      [topic, limit],
    );
    const checkpoint = rows[0]?.checkpoint ?? '0';
    // No event after the checkpoint: the one row is the checkpoint's, its event columns null.
    return { checkpoint, events: rows[0]?.global_position == null ? [] : rows.map(toStoredEvent) };
  }

  /**
   * The first committed event after `after`, if any: its position, when it was recorded, and how long ago by the
   * server's clock (so a skew between hosts does not count). One primary-key probe: the query service asks it once
   * a poll interval to tell readers whether recorded events are waiting to reach its feed (README, live feed).
   */
  async firstAfter(after: string | number | bigint): Promise<{ position: string; recordedAt: string; ageMs: number } | null> {
    const [row] = await this.rows<{ p: string; recorded_at: Date | string; age_ms: number }>(
      `SELECT global_position::text AS p, recorded_at, (extract(epoch FROM clock_timestamp() - recorded_at) * 1000)::float8 AS age_ms
       FROM event_store.events WHERE global_position > $1 ORDER BY global_position LIMIT 1`,
      [String(after)],
    );
    return row ? { position: row.p, recordedAt: new Date(row.recorded_at).toISOString(), ageMs: Number(row.age_ms) } : null;
  }

  /** The highest committed position, '0' for an empty log. */
  async head(): Promise<string> {
    const [row] = await this.rows('SELECT coalesce(max(global_position), 0)::text AS head FROM event_store.events');
    return String(row.head);
  }

  /**
   * The store's identity (a one-row table made by a migration; the relay puts it on every message as `store-id`),
   * or null on a schema from before it. Any other error is thrown.
   */
  async storeId(): Promise<string | null> {
    try {
      const [row] = await this.rows('SELECT id::text AS id FROM event_store.store_identity LIMIT 1');
      return (row?.id as string | undefined) ?? null;
    } catch (error) {
      if ((error as { code?: string }).code === UNDEFINED_TABLE) return null;
      throw error;
    }
  }

  /** The rows of a statement, typed by the caller: the SQL names the columns, so it is the one that knows them. */
  private async rows<R = Row>(sql: string, params: unknown[] = []): Promise<R[]> {
    const result = await this.db.query(sql, params);
    return Array.isArray(result) ? (result as R[]) : ((result as { rows: R[] }).rows ?? []);
  }
}

/**
 * Pieces of statements over the log, for the one read that must stay a single statement with read-model tables:
 * the feed watermark probes the feed per event, in position order, and stops at the first gap, so its cost is
 * what the watermark moves. Read as two statements it would ship the whole window (5000 positions) to Node and
 * back on every call. The log's table and columns are still named only here.
 */
export const EVENT_LOG_SQL = {
  /** `SELECT global_position AS p` of the first `limit` positions above `after` (both SQL expressions), in order. */
  positionsAfter: (after: string, limit: string) =>
    `SELECT global_position AS p FROM event_store.events WHERE global_position > (${after}) ORDER BY global_position LIMIT ${limit}`,
} as const;
