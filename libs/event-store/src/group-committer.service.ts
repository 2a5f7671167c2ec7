import { Pool } from 'pg';
import { EventStoreBusyError, isTransientStoreError, WrongExpectedVersionError } from './event-store.errors';
import { AppendedEvent, EventToAppend, StreamAppend } from './event-store.types';

export const APPEND_LOCK_KEY = 0x6e657773; // "news"
export const EVENTS_CHANNEL = 'newsroom_events';

interface Submission {
  requests: StreamAppend[];
  events: number;
  resolve: (appended: AppendedEvent[]) => void;
  reject: (error: unknown) => void;
}

/** Turns driver errors into the store's own (unavailable, duplicate id...). */
export type ErrorTranslator = (error: unknown) => Error;

const MAX_GROUP_EVENTS = 5000;
/** Groups committing at once: one holding the lock, the next checking its versions meanwhile. */
const MAX_IN_FLIGHT = 2;

/**
 * How much may wait for a group (not counting the groups in flight). Past either bound an append is refused at
 * once with EventStoreBusyError (503 + Retry-After), so a hung database cannot pile requests and memory up.
 */
export interface AppendQueueLimits {
  maxSubmissions: number;
  maxEvents: number;
  /** Retry-After of the busy answer, in seconds. */
  retryAfterSeconds: number;
}

export const DEFAULT_APPEND_QUEUE_LIMITS: AppendQueueLimits = { maxSubmissions: 5000, maxEvents: 20000, retryAfterSeconds: 1 };

/**
 * Group commit for appends. Positions are handed out under one transaction-scoped advisory lock held to commit,
 * so they become visible in commit order and "every event after P" never skips a late commit; but that makes
 * commits serial. So appends that arrive while commits are in flight wait and go together in the next group,
 * and a group is one statement (event_store.append_group): the version checks (each submission in its own
 * subtransaction, so a stale expected version fails only that submission), the kept stream states of the
 * submissions that passed (event_store.stream_states), the lock, the insert and the notification, one round trip,
 * one commit, one fsync. Two groups are in flight at once, on streams of their own:
 * the second checks its versions while the first holds the lock and commits, then takes the lock in turn (the
 * lock is the last thing a group takes, so the two never wait on each other in a cycle). A lone append does not
 * wait for company. If a group fails (a reused event id), each submission is retried alone so one bad append
 * never fails its neighbours.
 */
export class GroupCommitter {
  private queue: Submission[] = [];
  /** Events in `queue`: kept as a counter so the bound is one comparison per append. */
  private queuedEvents = 0;
  /** Streams of the groups in flight: a submission on one of them waits for the next group. */
  private readonly busy = new Set<string>();
  private inFlight = 0;

  constructor(
    private readonly pool: Pool,
    private readonly translate: ErrorTranslator,
    private readonly maxInFlight = MAX_IN_FLIGHT,
    private readonly limits: AppendQueueLimits = DEFAULT_APPEND_QUEUE_LIMITS,
  ) {}

  submit(requests: StreamAppend[]): Promise<AppendedEvent[]> {
    let events = 0;
    for (const r of requests) events += r.events.length;
    // A lone submission larger than the bound still goes when the queue is empty: the bound is on waiting, not on size.
    if (this.queue.length >= this.limits.maxSubmissions || (this.queue.length > 0 && this.queuedEvents + events > this.limits.maxEvents)) {
      const limit = `${this.queue.length} submissions, ${this.queuedEvents} events waiting`;
      return Promise.reject(new EventStoreBusyError('append', limit, this.limits.retryAfterSeconds));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ requests, events, resolve, reject });
      this.queuedEvents += events;
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
      const size = s.events;
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
    this.queuedEvents -= events;
    return group;
  }

  private async commit(group: Submission[], canSplit: boolean): Promise<void> {
    let rows: AppendGroupRow[];
    try {
      rows = (await this.pool.query({ name: APPEND_GROUP_STATEMENT, text: APPEND_GROUP_SQL, values: appendGroupArgs(group) })).rows;
    } catch (error) {
      // The statement was its own transaction: nothing of the group was kept.
      const translated = this.translate(error);
      // Transient (unavailable, timed out): the others would fail the same way. Otherwise one bad submission
      // (a reused id, a row the database refuses) must not fail its neighbours.
      const split = canSplit && group.length > 1 && !isTransientStoreError(translated);
      if (!split) group.forEach((s) => s.reject(translated));
      else for (const s of group) await this.commit([s], false);
      return;
    }
    const stale = new Map<number, AppendGroupRow>();
    const appended = new Map<string, AppendedEvent>();
    for (const r of rows) {
      if (r.o_kind === 'stale') stale.set(Number(r.o_submission), r);
      else {
        appended.set(r.o_event_id, {
          eventId: r.o_event_id,
          streamId: r.o_stream,
          streamVersion: Number(r.o_version),
          globalPosition: String(r.o_position),
          recordedAt: new Date(r.o_recorded_at).toISOString(),
        });
      }
    }
    group.forEach((s, i) => {
      const f = stale.get(i);
      if (f) {
        const req = s.requests.find((r) => r.streamId === f.o_stream)!;
        s.reject(new WrongExpectedVersionError(f.o_stream, req.expectedVersion, f.o_actual === null ? null : Number(f.o_actual)));
        return;
      }
      // In the caller's order (a story reads in its own order), whatever order the streams were locked in.
      s.resolve(s.requests.flatMap((r) => r.events.map((e) => appended.get(e.eventId)!)));
    });
  }
}

interface AppendGroupRow {
  o_kind: 'stale' | 'appended';
  o_submission: number | null;
  o_stream: string;
  o_actual: number | null;
  o_event_id: string;
  o_version: number;
  o_position: string;
  o_recorded_at: Date;
}

/**
 * The events' data, sources and metadata each come as one JSON array (a single jsonb parameter) turned into the
 * function's jsonb[] here, in the array's order. As a jsonb[] parameter, node-postgres escaped every quote of every
 * event's JSON as an array element (5% of ingest's CPU under batches of 100) and Postgres unescaped it again.
 */
const jsonbArrayOf = (param: string) =>
  `ARRAY(SELECT x.e FROM jsonb_array_elements(${param}::jsonb) WITH ORDINALITY AS x(e, i) ORDER BY x.i)`;

/** One statement, so one round trip and one transaction per group: see the append_group migrations (1764500200000, and 1764900300000 for the kept states). */
const APPEND_GROUP_SQL = `SELECT * FROM event_store.append_group($1::int[], $2::text[], $3::int[], $4::int[], $5::int[], $6::text[],
  $7::int[], $8::uuid[], $9::text[], $10::int[], $11::text[], $12::timestamptz[], $13::timestamptz[], ${jsonbArrayOf('$14')},
  ${jsonbArrayOf('$15')}, $16::text[], ${jsonbArrayOf('$17')}, $18::text[], $19::bigint, $20::text, $21::jsonb[], $22::int[])`;

/**
 * Prepared once per connection (a named statement): parsing and planning the call and its three array subqueries took
 * about 0.15 ms of each single append, as much as the subqueries saved. Its plan is the function call whatever the
 * arguments, but Postgres keeps that generic plan only where the session says so (EVENT_STORE_SERVER_SETTINGS): by
 * default its cost on paper lost to the custom plans' and it was planned again at every run. A migration replacing
 * the function invalidates it, and Postgres plans it again.
 */
const APPEND_GROUP_STATEMENT = 'newsroom_append_group_v1';

/** Each event's JSON text of one member, as one JSON array. A member with no JSON form (undefined) is refused. */
function jsonArrayOf(events: EventToAppend[], member: 'data' | 'sources' | 'metadata'): string {
  const texts = events.map((x) => x.json?.[member] ?? JSON.stringify(x[member]));
  const missing = texts.findIndex((t) => t === undefined);
  if (missing >= 0) throw new TypeError(`event ${events[missing].eventId}: its ${member} is not a JSON value`);
  return `[${texts.join(',')}]`;
}

/**
 * The group as arrays: one entry per (submission, stream) for the checks and the kept states, one per event (in the
 * caller's order) for the insert.
 */
function appendGroupArgs(group: Submission[]): unknown[] {
  const sub: number[] = [];
  const stream: string[] = [];
  const expected: number[] = [];
  const count: number[] = [];
  const state: (string | null)[] = [];
  const stateSchema: (number | null)[] = [];
  const ev = { sub: [] as number[], stream: [] as string[], offset: [] as number[], events: [] as EventToAppend[] };
  group.forEach((s, i) =>
    s.requests.forEach((r) => {
      sub.push(i);
      stream.push(r.streamId);
      expected.push(r.expectedVersion === 'any' ? -1 : r.expectedVersion);
      count.push(r.events.length);
      state.push(r.state ? (r.state.json ?? JSON.stringify(r.state.data)) : null);
      stateSchema.push(r.state ? r.state.schema : null);
      r.events.forEach((event, k) => {
        ev.sub.push(i);
        ev.stream.push(r.streamId);
        ev.offset.push(k);
        ev.events.push(event);
      });
    }),
  );
  const e = ev.events;
  return [
    sub,
    stream,
    expected,
    count,
    ev.sub,
    ev.stream,
    ev.offset,
    e.map((x) => x.eventId),
    e.map((x) => x.type),
    e.map((x) => x.schemaVersion),
    e.map((x) => x.occurredAt),
    e.map((x) => x.occurredStart),
    e.map((x) => x.occurredEnd),
    jsonArrayOf(e, 'data'),
    jsonArrayOf(e, 'sources'),
    e.map((x) => x.modality),
    jsonArrayOf(e, 'metadata'),
    e.map((x) => x.contentHash),
    APPEND_LOCK_KEY,
    EVENTS_CHANNEL,
    state,
    stateSchema,
  ];
}
