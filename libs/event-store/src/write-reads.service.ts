import { EventStoreBusyError } from './event-store.errors';
import { EVENT_COLUMNS, EventRow, toStoredEvent } from './event-rows.mapper';
import { StoredEvent } from './event-store.types';

/** What a write reads first: its subjects' streams (whole, in version order) and any events already stored under its ids. */
export interface WriteReads {
  streams: Map<string, StoredEvent[]>;
  existing: Map<string, StoredEvent>;
}

interface Waiter {
  streamIds: string[];
  eventIds: string[];
  resolve: (reads: WriteReads) => void;
  reject: (error: unknown) => void;
}

/** A row of the read: the event's columns and which of the two questions it answers. */
type WriteReadRow = EventRow & { in_stream: boolean; by_id: boolean };

type Query = (sql: string, params: unknown[]) => Promise<{ rows: WriteReadRow[] }>;

// One statement for both: rows of the asked streams, then rows with the asked ids (a row may match both).
const SQL = `SELECT ${EVENT_COLUMNS}, (stream_id = ANY($1::text[])) AS in_stream, (event_id = ANY($2::uuid[])) AS by_id
  FROM event_store.events WHERE stream_id = ANY($1::text[]) OR event_id = ANY($2::uuid[])
  ORDER BY stream_id, stream_version`;

/**
 * Reads for writes, coalesced: concurrent writers (each HTTP request reads its streams and checks its ids before
 * deciding) share one query, like appends share a commit. A caller never joins a query already sent, so what it
 * reads was committed before it asked: as fresh as a read of its own. Stale reads cannot record anything anyway:
 * the append checks the versions that were read.
 */
export class WriteReadCoalescer {
  private queue: Waiter[] = [];
  private inFlight = 0;

  constructor(
    private readonly query: Query,
    private readonly maxInFlight = 2,
    /** Readers that may wait for the next query; past it a read is refused at once (EventStoreBusyError). */
    private readonly maxWaiting = 5000,
    private readonly retryAfterSeconds = 1,
  ) {}

  read(streamIds: string[], eventIds: string[]): Promise<WriteReads> {
    if (this.queue.length >= this.maxWaiting) {
      return Promise.reject(new EventStoreBusyError('write-reads', `${this.queue.length} readers waiting`, this.retryAfterSeconds));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ streamIds, eventIds, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length) {
      const batch = this.queue;
      this.queue = [];
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.dispatch();
      });
    }
  }

  private async run(batch: Waiter[]): Promise<void> {
    const streamIds = [...new Set(batch.flatMap((w) => w.streamIds))];
    const eventIds = [...new Set(batch.flatMap((w) => w.eventIds))];
    let rows: WriteReadRow[];
    try {
      rows = streamIds.length || eventIds.length ? (await this.query(SQL, [streamIds, eventIds])).rows : [];
    } catch (error) {
      batch.forEach((w) => w.reject(error));
      return;
    }
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
    for (const w of batch) {
      const existing = new Map<string, StoredEvent>();
      for (const id of w.eventIds) {
        const e = byId.get(id);
        if (e) existing.set(id, e);
      }
      w.resolve({ streams: new Map(w.streamIds.map((id) => [id, streams.get(id) ?? []])), existing });
    }
  }
}
