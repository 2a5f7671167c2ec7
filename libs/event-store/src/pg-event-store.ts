import { Pool, PoolClient } from 'pg';
import { DuplicateEventIdError, EventStoreUnavailableError, WrongExpectedVersionError } from './event-store.errors';
import { AppendedEvent, EventToAppend, StoredEvent, StreamAppend } from './event-store.types';
import { EVENT_COLUMNS, toStoredEvent } from './event-rows.mapper';

/**
 * Positions are handed out under this transaction-scoped advisory lock, taken as the last step before commit.
 * It makes positions become visible in commit order, so "everything after P" can never skip an event whose
 * transaction commits late. The price is one serialised insert+commit per append transaction; batches and
 * stories amortise it. The transaction id (xid8) is stored too, for audits and for the late-commit test.
 */
export const APPEND_LOCK_KEY = 0x6e657773; // "news"
export const EVENTS_CHANNEL = 'newsroom_events';

const PG_UNIQUE_VIOLATION = '23505';
const PG_CONNECTION_ERRORS = ['08000', '08003', '08006', '57P01', '57P02', '57P03', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT'];

export class PgEventStore {
  constructor(private readonly pool: Pool) {}

  /** Appends to one stream with an optimistic version check, in one transaction. */
  async append(request: StreamAppend): Promise<AppendedEvent[]> {
    return this.appendMany([request]);
  }

  /**
   * Appends to several streams atomically (a story is all or nothing). Streams are locked in id order so two
   * multi-stream appends cannot deadlock each other.
   */
  async appendMany(requests: StreamAppend[]): Promise<AppendedEvent[]> {
    const sorted = [...requests].filter((r) => r.events.length > 0).sort((a, b) => a.streamId.localeCompare(b.streamId));
    if (sorted.length === 0) return [];
    // One request per stream: two would each claim the same versions, and their expected versions could not both hold.
    const duplicate = sorted.find((r, i) => i > 0 && sorted[i - 1].streamId === r.streamId);
    if (duplicate) throw new Error(`appendMany got stream ${duplicate.streamId} twice; merge its events into one request`);
    const client = await this.connect();
    try {
      await client.query('BEGIN');
      const firstVersions = new Map<string, number>();
      for (const request of sorted) {
        firstVersions.set(request.streamId, await this.reserveVersions(client, request));
      }
      await client.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK_KEY]);
      // Rows are inserted in the caller's order (a story reads in its own order), whatever the lock order was.
      const rows = requests.flatMap((r) =>
        r.events.map((event, i) => ({ streamId: r.streamId, streamVersion: firstVersions.get(r.streamId)! + i, event })),
      );
      const appended = await this.insertEvents(client, rows);
      await client.query(`SELECT pg_notify($1, $2)`, [EVENTS_CHANNEL, appended[appended.length - 1].globalPosition]);
      await client.query('COMMIT');
      return appended;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw this.translate(error);
    } finally {
      client.release();
    }
  }

  /** Bumps the stream's version row (locking it) and returns the first version the new events take. */
  private async reserveVersions(client: PoolClient, request: StreamAppend): Promise<number> {
    const count = request.events.length;
    const { streamId, expectedVersion } = request;
    if (expectedVersion === 'any') {
      const { rows } = await client.query(
        `INSERT INTO event_store.streams AS s (stream_id, version) VALUES ($1, $2)
         ON CONFLICT (stream_id) DO UPDATE SET version = s.version + $2, updated_at = now()
         RETURNING version`,
        [streamId, count],
      );
      return Number(rows[0].version) - count + 1;
    }
    if (expectedVersion === 0) {
      const { rowCount } = await client.query(
        `INSERT INTO event_store.streams (stream_id, version) VALUES ($1, $2) ON CONFLICT (stream_id) DO NOTHING`,
        [streamId, count],
      );
      if (rowCount === 0) throw new WrongExpectedVersionError(streamId, 0, await this.currentVersion(client, streamId));
      return 1;
    }
    const { rowCount } = await client.query(
      `UPDATE event_store.streams SET version = version + $3, updated_at = now() WHERE stream_id = $1 AND version = $2`,
      [streamId, expectedVersion, count],
    );
    if (rowCount === 0) {
      throw new WrongExpectedVersionError(streamId, expectedVersion, await this.currentVersion(client, streamId));
    }
    return expectedVersion + 1;
  }

  private async insertEvents(
    client: PoolClient,
    rows: Array<{ streamId: string; streamVersion: number; event: EventToAppend }>,
  ): Promise<AppendedEvent[]> {
    const e = rows.map((r) => r.event);
    const { rows: inserted } = await client.query(
      `INSERT INTO event_store.events (event_id, stream_id, stream_version, type, schema_version, occurred_at,
         occurred_start, occurred_end, recorded_at, data, sources, modality, metadata, content_hash)
       SELECT u.event_id, u.stream_id, u.stream_version, u.type, u.schema_version, u.occurred_at, u.occurred_start,
         u.occurred_end, clock_timestamp(), u.data, u.sources, u.modality, u.metadata, u.content_hash
       FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::int[], $6::text[], $7::timestamptz[],
         $8::timestamptz[], $9::jsonb[], $10::jsonb[], $11::text[], $12::jsonb[], $13::text[])
         WITH ORDINALITY AS u(event_id, stream_id, stream_version, type, schema_version, occurred_at, occurred_start,
           occurred_end, data, sources, modality, metadata, content_hash, ord)
       ORDER BY u.ord
       RETURNING event_id, stream_id, stream_version, global_position, recorded_at`,
      [
        e.map((x) => x.eventId),
        rows.map((r) => r.streamId),
        rows.map((r) => r.streamVersion),
        e.map((x) => x.type),
        e.map((x) => x.schemaVersion),
        e.map((x) => x.occurredAt),
        e.map((x) => x.occurredStart),
        e.map((x) => x.occurredEnd),
        e.map((x) => JSON.stringify(x.data)),
        e.map((x) => JSON.stringify(x.sources)),
        e.map((x) => x.modality),
        e.map((x) => JSON.stringify(x.metadata)),
        e.map((x) => x.contentHash),
      ],
    );
    // RETURNING order is not guaranteed; positions follow the insert order, so sort by them.
    return inserted
      .map((r) => ({
        eventId: r.event_id,
        streamId: r.stream_id,
        streamVersion: Number(r.stream_version),
        globalPosition: String(r.global_position),
        recordedAt: new Date(r.recorded_at).toISOString(),
      }))
      .sort((x, y) => (BigInt(x.globalPosition) < BigInt(y.globalPosition) ? -1 : 1));
  }

  private async currentVersion(client: PoolClient, streamId: string): Promise<number | null> {
    const { rows } = await client.query('SELECT version FROM event_store.streams WHERE stream_id = $1', [streamId]);
    return rows.length ? Number(rows[0].version) : null;
  }

  async streamVersion(streamId: string): Promise<number> {
    const { rows } = await this.query('SELECT version FROM event_store.streams WHERE stream_id = $1', [streamId]);
    return rows.length ? Number(rows[0].version) : 0;
  }

  async readStream(streamId: string, fromVersion = 1): Promise<StoredEvent[]> {
    const { rows } = await this.query(
      `SELECT ${EVENT_COLUMNS} FROM event_store.events WHERE stream_id = $1 AND stream_version >= $2 ORDER BY stream_version`,
      [streamId, fromVersion],
    );
    return rows.map(toStoredEvent);
  }

  /** Committed events after a position, in position order. Safe against late commits (see APPEND_LOCK_KEY). */
  async readAll(afterPosition: string | number, limit: number): Promise<StoredEvent[]> {
    const { rows } = await this.query(
      `SELECT ${EVENT_COLUMNS} FROM event_store.events WHERE global_position > $1 ORDER BY global_position LIMIT $2`,
      [String(afterPosition), limit],
    );
    return rows.map(toStoredEvent);
  }

  async findEvent(eventId: string): Promise<StoredEvent | null> {
    const { rows } = await this.query(`SELECT ${EVENT_COLUMNS} FROM event_store.events WHERE event_id = $1`, [eventId]);
    return rows.length ? toStoredEvent(rows[0]) : null;
  }

  async findEvents(eventIds: string[]): Promise<StoredEvent[]> {
    if (eventIds.length === 0) return [];
    const { rows } = await this.query(`SELECT ${EVENT_COLUMNS} FROM event_store.events WHERE event_id = ANY($1::uuid[])`, [
      eventIds,
    ]);
    return rows.map(toStoredEvent);
  }

  async headPosition(): Promise<string> {
    const { rows } = await this.query('SELECT coalesce(max(global_position), 0) AS head FROM event_store.events');
    return String(rows[0].head);
  }

  private async query(sql: string, params: unknown[] = []) {
    try {
      return await this.pool.query(sql, params);
    } catch (error) {
      throw this.translate(error);
    }
  }

  private async connect(): Promise<PoolClient> {
    try {
      return await this.pool.connect();
    } catch (error) {
      throw new EventStoreUnavailableError(error);
    }
  }

  private translate(error: unknown): Error {
    const e = error as { code?: string; constraint?: string; detail?: string };
    if (error instanceof WrongExpectedVersionError) return error;
    if (e?.code === PG_UNIQUE_VIOLATION && e.constraint === 'events_event_id_key') {
      const id = /\(event_id\)=\(([^)]+)\)/.exec(e.detail ?? '')?.[1] ?? 'unknown';
      return new DuplicateEventIdError(id);
    }
    if (e?.code === PG_UNIQUE_VIOLATION && e.constraint === 'events_stream_id_stream_version_key') {
      return new WrongExpectedVersionError('unknown', 'any', null);
    }
    if (e?.code && PG_CONNECTION_ERRORS.includes(e.code)) return new EventStoreUnavailableError(error);
    if (error instanceof Error && /Connection terminated|connect ECONNREFUSED|timeout/i.test(error.message)) {
      return new EventStoreUnavailableError(error);
    }
    return error as Error;
  }
}
