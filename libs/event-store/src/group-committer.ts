import { Pool, PoolClient } from 'pg';
import { WrongExpectedVersionError } from './event-store.errors';
import { AppendedEvent, EventToAppend, StreamAppend } from './event-store.types';

export const APPEND_LOCK_KEY = 0x6e657773; // "news"
export const EVENTS_CHANNEL = 'newsroom_events';

interface Submission {
  requests: StreamAppend[];
  resolve: (appended: AppendedEvent[]) => void;
  reject: (error: unknown) => void;
}

/** Turns driver errors into the store's own (unavailable, duplicate id...). */
export type ErrorTranslator = (error: unknown) => Error;

const MAX_GROUP_EVENTS = 5000;
/** Groups committing at once: one holding the lock, the next checking its versions meanwhile. */
const MAX_IN_FLIGHT = 2;

/**
 * Group commit for appends. Positions are handed out under one transaction-scoped advisory lock held to commit,
 * so they become visible in commit order and "every event after P" never skips a late commit; but that makes
 * commits serial. So appends that arrive while commits are in flight wait and go together in the next
 * transaction: one version check round trip for all of them (each submission in its own subtransaction, so a
 * stale expected version fails only that submission), one statement that takes the lock, inserts and notifies,
 * one commit, one fsync. Two groups are in flight at once, on streams of their own: the second checks its
 * versions while the first holds the lock and commits, then takes the lock in turn (the lock is the last thing a
 * group takes, so the two never wait on each other in a cycle). A lone append does not wait for company. If the
 * group's insert fails (a reused event id), each submission is retried alone so one bad append never fails its
 * neighbours.
 */
export class GroupCommitter {
  private queue: Submission[] = [];
  /** Streams of the groups in flight: a submission on one of them waits for the next group. */
  private readonly busy = new Set<string>();
  private inFlight = 0;

  constructor(
    private readonly pool: Pool,
    private readonly translate: ErrorTranslator,
    private readonly maxInFlight = MAX_IN_FLIGHT,
  ) {}

  submit(requests: StreamAppend[]): Promise<AppendedEvent[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ requests, resolve, reject });
      this.dispatch();
    });
  }

  /** Starts groups while fewer than `maxInFlight` are committing and queued submissions can form one. */
  private dispatch(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length) {
      const group = this.takeGroup();
      if (!group.length) return;
      const streams = group.flatMap((s) => s.requests.map((r) => r.streamId));
      streams.forEach((id) => this.busy.add(id));
      this.inFlight++;
      void this.commit(group, true).finally(() => {
        streams.forEach((id) => this.busy.delete(id));
        this.inFlight--;
        this.dispatch();
      });
    }
  }

  /**
   * Submissions in arrival order, at most one per stream and none on a stream in flight (a later one on the same
   * stream waits its turn, so a stream's appends commit in the order they were submitted).
   */
  private takeGroup(): Submission[] {
    const group: Submission[] = [];
    const streams = new Set<string>();
    let events = 0;
    const rest: Submission[] = [];
    for (const s of this.queue) {
      const size = s.requests.reduce((n, r) => n + r.events.length, 0);
      const clash = s.requests.some((r) => streams.has(r.streamId) || this.busy.has(r.streamId));
      if (clash || (group.length > 0 && events + size > MAX_GROUP_EVENTS)) {
        // Once a stream's submission waits, every later one on that stream waits behind it.
        s.requests.forEach((r) => streams.add(r.streamId));
        rest.push(s);
        continue;
      }
      s.requests.forEach((r) => streams.add(r.streamId));
      events += size;
      group.push(s);
    }
    this.queue = rest;
    return group;
  }

  private async commit(group: Submission[], canSplit: boolean): Promise<void> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      group.forEach((s) => s.reject(this.translate(error)));
      return;
    }
    let split = false;
    try {
      await client.query('BEGIN');
      const accepted = await this.reserve(client, group);
      if (accepted.length === 0) {
        await client.query('COMMIT');
        return;
      }
      const appended = await insertEvents(client, accepted.flatMap((a) => a.rows));
      await client.query('COMMIT');
      const byId = new Map(appended.map((a) => [a.eventId, a]));
      for (const a of accepted) a.submission.resolve(a.rows.map((r) => byId.get(r.event.eventId)!));
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      const translated = this.translate(error);
      split = canSplit && group.length > 1 && !/unavailable/i.test(translated.message);
      if (!split) group.forEach((s) => s.reject(translated));
    } finally {
      client.release();
    }
    if (split) for (const s of group) await this.commit([s], false);
  }

  /** One round trip checks and bumps every stream of the group; rejects the submissions that were stale. */
  private async reserve(client: PoolClient, group: Submission[]) {
    const sub: number[] = [];
    const stream: string[] = [];
    const expected: number[] = [];
    const count: number[] = [];
    group.forEach((s, i) =>
      s.requests.forEach((r) => {
        sub.push(i);
        stream.push(r.streamId);
        expected.push(r.expectedVersion === 'any' ? -1 : r.expectedVersion);
        count.push(r.events.length);
      }),
    );
    const { rows } = await client.query('SELECT * FROM event_store.reserve_versions($1::int[], $2::text[], $3::int[], $4::int[])', [
      sub, stream, expected, count,
    ]);
    const first = new Map<string, number>();
    const failed = new Map<number, { stream: string; actual: number | null }>();
    for (const r of rows) {
      if (r.ok) first.set(`${r.submission}\u0000${r.stream_id}`, Number(r.first_version));
      else failed.set(Number(r.submission), { stream: r.stream_id, actual: r.actual === null ? null : Number(r.actual) });
    }
    const accepted: Array<{ submission: Submission; rows: InsertRow[] }> = [];
    group.forEach((s, i) => {
      const f = failed.get(i);
      if (f) {
        const req = s.requests.find((r) => r.streamId === f.stream)!;
        s.reject(new WrongExpectedVersionError(f.stream, req.expectedVersion, f.actual));
        return;
      }
      // Rows go in the caller's order (a story reads in its own order), whatever order the streams were locked in.
      const rowsOfSubmission = s.requests.flatMap((r) =>
        r.events.map((event, k) => ({ streamId: r.streamId, streamVersion: first.get(`${i}\u0000${r.streamId}`)! + k, event })),
      );
      accepted.push({ submission: s, rows: rowsOfSubmission });
    });
    return accepted;
  }
}

interface InsertRow {
  streamId: string;
  streamVersion: number;
  event: EventToAppend;
}

/**
 * One statement: the append lock (a materialised CTE every inserted row is joined to, so it is taken before the
 * first position is drawn), the insert, and the notification of the new head, sent at commit.
 */
async function insertEvents(client: PoolClient, rows: InsertRow[]): Promise<AppendedEvent[]> {
  const e = rows.map((r) => r.event);
  const { rows: inserted } = await client.query(
    `WITH locked AS MATERIALIZED (SELECT pg_advisory_xact_lock($14::bigint) AS ok),
     ins AS (
       INSERT INTO event_store.events (event_id, stream_id, stream_version, type, schema_version, occurred_at,
         occurred_start, occurred_end, recorded_at, data, sources, modality, metadata, content_hash)
       SELECT u.event_id, u.stream_id, u.stream_version, u.type, u.schema_version, u.occurred_at, u.occurred_start,
         u.occurred_end, clock_timestamp(), u.data, u.sources, u.modality, u.metadata, u.content_hash
       FROM locked CROSS JOIN unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::int[], $6::text[], $7::timestamptz[],
         $8::timestamptz[], $9::jsonb[], $10::jsonb[], $11::text[], $12::jsonb[], $13::text[])
         WITH ORDINALITY AS u(event_id, stream_id, stream_version, type, schema_version, occurred_at, occurred_start,
           occurred_end, data, sources, modality, metadata, content_hash, ord)
       ORDER BY u.ord
       RETURNING event_id, stream_id, stream_version, global_position, recorded_at
     ),
     notified AS MATERIALIZED (SELECT pg_notify($15, max(global_position)::text) FROM ins)
     SELECT ins.* FROM ins CROSS JOIN notified`,
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
      APPEND_LOCK_KEY,
      EVENTS_CHANNEL,
    ],
  );
  // RETURNING order is not guaranteed; positions follow insert order, so sort by them.
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
