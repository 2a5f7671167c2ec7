import { EventStoreBusyError } from './event-store.errors';
import { EVENT_COLUMNS, EventRow, toStoredEvent } from './event-rows.mapper';
import { StoredEvent, StreamHead } from './event-store.types';

/** What a write reads when it folds: its subjects' streams (whole, in version order) and any events already stored under its ids. */
export interface WriteReads {
  streams: Map<string, StoredEvent[]>;
  existing: Map<string, StoredEvent>;
}

/**
 * What a write reads first, a constant amount however long its streams are: each stream's head (its version and
 * its kept decision state), the events already stored under its ids, and the events its decisions name (each
 * asked id: the event with that id and the corrections and retractions naming it, in any order and any stream;
 * the caller keeps those of the stream it decides on).
 */
export interface WriteStateReads {
  heads: Map<string, StreamHead>;
  existing: Map<string, StoredEvent>;
  named: Map<string, StoredEvent[]>;
}

interface StreamsAsk {
  streamIds: string[];
  eventIds: string[];
}

interface StateAsk extends StreamsAsk {
  namedIds: string[];
}

/** Runs a statement; with `name`, as a statement prepared under that name on its connection. */
type Query = (sql: string, params: unknown[], name?: string) => Promise<{ rows: unknown[] }>;

// One statement for both: rows of the asked streams, then rows with the asked ids (a row may match both).
const STREAMS_SQL = `SELECT ${EVENT_COLUMNS}, (stream_id = ANY($1::text[])) AS in_stream, (event_id = ANY($2::uuid[])) AS by_id
  FROM event_store.events WHERE stream_id = ANY($1::text[]) OR event_id = ANY($2::uuid[])
  ORDER BY stream_id, stream_version`;

/** A row of STREAMS_SQL: the event's columns and which of the two questions it answers. */
type StreamsRow = EventRow & { in_stream: boolean; by_id: boolean };

/**
 * One statement, one snapshot, for the three questions of StateAsk: `head` rows (no event columns) for the asked
 * streams, `id` rows for the asked event ids, `named` rows for the named events and the amendments naming them.
 * Each branch is an index lookup (streams and stream_states by primary key, events by event_id, the events naming
 * another by the partial index events_target_event_idx), so it reads what it returns and never a stream's events.
 * `naming` repeats that index's predicate and is materialized so that the type filter stays outside it: inside, the
 * index on (type, global_position) could serve `type IN (...)` and read every amendment of the log. The heads are
 * lateral subqueries with LIMIT 1 (at most one row by the primary key anyway), which Postgres does not fold into a
 * join: each asked stream is one probe. As joins, the generic plan (EVENT_STORE_SERVER_SETTINGS), which assumes ten
 * asked streams, hashed the whole streams table while it was small: 1,400 rows read for a one-stream write.
 */
const STATE_SQL = `WITH naming AS MATERIALIZED (
  SELECT ${EVENT_COLUMNS} FROM event_store.events WHERE data ? 'targetEventId' AND data->>'targetEventId' = ANY($3::text[])
)
SELECT NULL::bigint AS global_position, NULL::uuid AS event_id, s.id AS stream_id, NULL::integer AS stream_version,
    NULL::text AS type, NULL::integer AS schema_version, NULL::text AS occurred_at, NULL::timestamptz AS occurred_start,
    NULL::timestamptz AS occurred_end, NULL::timestamptz AS recorded_at, NULL::jsonb AS data, NULL::jsonb AS sources,
    NULL::text AS modality, NULL::jsonb AS metadata, NULL::text AS content_hash,
    'head'::text AS kind, NULL::text AS named_id, coalesce(h.version, 0) AS head_version, st.version AS state_version,
    st.state_schema, st.state
  FROM unnest($1::text[]) AS s(id)
  LEFT JOIN LATERAL (SELECT version FROM event_store.streams WHERE stream_id = s.id LIMIT 1) h ON true
  LEFT JOIN LATERAL (SELECT version, state_schema, state FROM event_store.stream_states WHERE stream_id = s.id LIMIT 1) st ON true
UNION ALL
SELECT ${EVENT_COLUMNS}, 'id', NULL, NULL, NULL, NULL, NULL FROM event_store.events WHERE event_id = ANY($2::uuid[])
UNION ALL
SELECT ${EVENT_COLUMNS}, 'named', event_id::text, NULL, NULL, NULL, NULL FROM event_store.events WHERE event_id = ANY($3::text[]::uuid[])
UNION ALL
SELECT ${EVENT_COLUMNS}, 'named', data->>'targetEventId', NULL, NULL, NULL, NULL FROM naming
  WHERE type IN ('event.corrected', 'event.retracted')`;

/**
 * STATE_SQL is prepared once per connection under this name: every write of the ingest app starts with it, and
 * planning its four branches took about as long as running them (0.35-0.5 ms of a 1 ms read, single appends on an
 * idle stack). Each branch is an index lookup by its parameter, whatever the arrays hold, once the tables hold more
 * than a few pages: on a nearly empty log, the generic plan Postgres settles on after five runs scans the events and
 * hashes the stream heads instead. Postgres plans it again when ANALYZE or a migration changes the tables, and each
 * connection prepares it anew under another name as the log doubles (stateStatementName).
 */
const STATE_STATEMENT = 'newsroom_write_state_v1';

/**
 * STATE_SQL's name for a log whose head is at `head`: a new name each time the log doubled (from 256 events), so each
 * connection plans the statement again as the log grows, a dozen times over a million events. A prepared statement
 * keeps its plan until ANALYZE changes the tables' statistics, and autovacuum's ANALYZE comes at most once a minute
 * and after 10% growth: a store starting empty (a new deployment, the bench's) kept the plan it made on a few rows,
 * which reads `event_id = ANY(...)` by scanning the events table, and every write then read the whole log. Measured
 * on single appends over HTTP (16 clients, 16,000 events in 15 s, no ANALYZE yet): 1,668 scans of events reading
 * 12.5 million rows. Planning estimates from the table's current size, so a new plan fits before the next ANALYZE.
 */
export function stateStatementName(head: number): string {
  const generation = Math.floor(Math.log2(1 + head / 256));
  return generation > 0 ? `${STATE_STATEMENT}_g${generation}` : STATE_STATEMENT;
}

/** A row of STATE_SQL: the event's columns (null on head rows), its kind and the head's fields. */
type StateRow = EventRow & {
  kind: 'head' | 'id' | 'named';
  named_id: string | null;
  head_version: number | null;
  state_version: number | null;
  state_schema: number | null;
  state: unknown;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Reads for writes, coalesced: concurrent writers (each HTTP request reads its streams and checks its ids before
 * deciding) share one query, like appends share a commit. A caller never joins a query already sent, so what it
 * reads was committed before it asked: as fresh as a read of its own. Stale reads cannot record anything anyway:
 * the append checks the versions that were read.
 */
export class WriteReadCoalescer {
  private readonly streams: Coalesced<StreamsAsk, WriteReads>;
  private readonly states: Coalesced<StateAsk, WriteStateReads>;
  /** The highest position this store has appended: the log's size, for STATE_SQL's plan (stateStatementName). */
  private head = 0;

  constructor(
    private readonly query: Query,
    maxInFlight = 2,
    /** Readers that may wait for the next query; past it a read is refused at once (EventStoreBusyError). */
    maxWaiting = 5000,
    retryAfterSeconds = 1,
  ) {
    this.streams = new Coalesced((asks) => this.readStreams(asks), maxInFlight, maxWaiting, retryAfterSeconds);
    this.states = new Coalesced((asks) => this.readStates(asks), maxInFlight, maxWaiting, retryAfterSeconds);
  }

  /** Notes a position this store appended: past a doubling of the log, the next reads are planned again. */
  sawPosition(position: number): void {
    if (position > this.head) this.head = position;
  }

  /** Whole streams and ids: what a write folds when a stream has no usable kept state. */
  read(streamIds: string[], eventIds: string[]): Promise<WriteReads> {
    return this.streams.ask({ streamIds, eventIds });
  }

  /** Heads, ids and named events: what a write reads first (see WriteStateReads). */
  readState(streamIds: string[], eventIds: string[], namedIds: string[]): Promise<WriteStateReads> {
    return this.states.ask({ streamIds, eventIds, namedIds });
  }

  private async readStreams(batch: StreamsAsk[]): Promise<WriteReads[]> {
    const streamIds = [...new Set(batch.flatMap((w) => w.streamIds))];
    const eventIds = [...new Set(batch.flatMap((w) => w.eventIds))];
    const rows = streamIds.length || eventIds.length ? ((await this.query(STREAMS_SQL, [streamIds, eventIds])).rows as StreamsRow[]) : [];
    const streams = new Map<string, StoredEvent[]>();
    const byId = new Map<string, StoredEvent>();
    for (const row of rows) {
      const event = toStoredEvent(row);
      if (row.in_stream) {
        const list = streams.get(event.streamId);
        if (list) list.push(event);
        else streams.set(event.streamId, [event]);
      }
      if (row.by_id) byId.set(event.eventId, event);
    }
    return batch.map((w) => ({
      streams: new Map(w.streamIds.map((id) => [id, streams.get(id) ?? []])),
      existing: pick(byId, w.eventIds),
    }));
  }

  private async readStates(batch: StateAsk[]): Promise<WriteStateReads[]> {
    const streamIds = [...new Set(batch.flatMap((w) => w.streamIds))];
    const eventIds = [...new Set(batch.flatMap((w) => w.eventIds))];
    // Only a UUID can be an event id; another string names nothing (and would fail the cast).
    const namedIds = [...new Set(batch.flatMap((w) => w.namedIds))].filter((id) => UUID.test(id));
    const asked = streamIds.length || eventIds.length || namedIds.length;
    const rows = asked
      ? ((await this.query(STATE_SQL, [streamIds, eventIds, namedIds], stateStatementName(this.head))).rows as StateRow[])
      : [];
    const heads = new Map<string, StreamHead>();
    const byId = new Map<string, StoredEvent>();
    const named = new Map<string, StoredEvent[]>();
    for (const row of rows) {
      if (row.kind === 'head') {
        heads.set(row.stream_id, {
          version: Number(row.head_version),
          state:
            row.state_version === null ? null : { version: Number(row.state_version), schema: Number(row.state_schema), data: row.state },
        });
        continue;
      }
      const event = toStoredEvent(row);
      if (row.kind === 'id') byId.set(event.eventId, event);
      else {
        const key = row.named_id!;
        const list = named.get(key);
        if (list) list.push(event);
        else named.set(key, [event]);
      }
    }
    return batch.map((w) => ({
      heads: new Map(w.streamIds.map((id) => [id, heads.get(id) ?? { version: 0, state: null }])),
      existing: pick(byId, w.eventIds),
      named: new Map(w.namedIds.flatMap((id) => (named.has(id) ? [[id, named.get(id)!] as const] : []))),
    }));
  }
}

function pick(byId: Map<string, StoredEvent>, ids: string[]): Map<string, StoredEvent> {
  const out = new Map<string, StoredEvent>();
  for (const id of ids) {
    const e = byId.get(id);
    if (e) out.set(id, e);
  }
  return out;
}

interface Waiter<A, R> {
  ask: A;
  resolve: (answer: R) => void;
  reject: (error: unknown) => void;
}

/** Asks that arrive while queries are in flight wait and go together in the next one: one answer per ask, in order. */
class Coalesced<A, R> {
  private queue: Waiter<A, R>[] = [];
  private inFlight = 0;

  constructor(
    private readonly run: (asks: A[]) => Promise<R[]>,
    private readonly maxInFlight: number,
    private readonly maxWaiting: number,
    private readonly retryAfterSeconds: number,
  ) {}

  ask(ask: A): Promise<R> {
    if (this.queue.length >= this.maxWaiting) {
      return Promise.reject(new EventStoreBusyError('write-reads', `${this.queue.length} readers waiting`, this.retryAfterSeconds));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ ask, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length) {
      const batch = this.queue;
      this.queue = [];
      this.inFlight++;
      void this.runBatch(batch).finally(() => {
        this.inFlight--;
        this.dispatch();
      });
    }
  }

  private async runBatch(batch: Waiter<A, R>[]): Promise<void> {
    let answers: R[];
    try {
      answers = await this.run(batch.map((w) => w.ask));
    } catch (error) {
      batch.forEach((w) => w.reject(error));
      return;
    }
    batch.forEach((w, i) => w.resolve(answers[i]));
  }
}
