import { Logger } from '@nestjs/common';
import {
  decodeStreamState,
  DomainError,
  encodeStreamState,
  evolve,
  evolveOwned,
  foldStream,
  initialStreamState,
  NewEvent,
  parsePeriod,
  STREAM_STATE_SCHEMA_VERSION,
  StreamState,
  withNamedEvents,
} from '@newsroom/domain';
import {
  DuplicateEventIdError,
  EventMetadata,
  EventToAppend,
  isTransientStoreError,
  StoredEvent,
  StreamAppend,
  StreamContendedError,
  StreamHead,
  WriteStateReads,
  WrongExpectedVersionError,
} from '@newsroom/event-store';
import { DEFAULT_MAX_EVENT_BYTES, eventRecordBytes, metric, RecentMap } from '@newsroom/platform';
import { IngestEventStore } from './event-store.port';
import { toRecordedEvent } from './stored-to-recorded.mapper';
import { SubjectLocks } from './subject-locks.util';
import { DuplicateOutcome, RefusedSubmission, RequestMeta, WriteOutcome, WriteRejection } from './write.types';

/** One event someone wants recorded: its id, its idempotency fingerprint, and how to decide it on its stream. */
export interface WriteIntent {
  eventId: string;
  idFromClient: boolean;
  /** Where the client's id came from, named when it was used for other content: `id` (the body) unless a header. */
  idField?: 'id' | 'Idempotency-Key';
  /**
   * How a conflict names the id to the client, when the id is not what the client sent: an event of a batch or story
   * named by its request's Idempotency-Key is named by that key and its place (`Idempotency-Key <key> at events[2]`).
   */
  idName?: string;
  contentHash: string;
  /**
   * Whether the event stored under this id is this content too, when its hash was taken of another form of it (a
   * fingerprint made before the form was normalised, or of text as sent before text was stored trimmed). Asked only
   * when the hashes differ.
   */
  sameContentAs?: (stored: StoredEvent) => boolean;
  subject: string;
  /**
   * The events of its stream the decision looks up by id (a correction's, retraction's or attached source's target).
   * `decide` gets the stream's kept state (what the stream's rules iterate: see compactStreamState) plus these: an
   * id it reads in `state.events` without naming it here is absent.
   */
  namedEvents?: string[];
  /**
   * The decision reads every standing fact of its stream (a conflict's resolution looks for the pair that disagrees),
   * so the stream is folded whole, as before there were kept states. For rare editorial acts only.
   */
  wholeStream?: boolean;
  /** `now`: the writer's clock, read once per attempt (a source is not published after the moment it is recorded). */
  decide(state: StreamState, now: Date): NewEvent;
  /** Overrides the request's meta for this one event (each Kafka submission has its own correlation id). */
  meta?: RequestMeta;
}

/**
 * A write that loses the race for its stream (another instance appended between its read and its append) reads and
 * decides again, for at least this many attempts and this long after its first loss; then it gives up with
 * StreamContendedError (503 + Retry-After; a Kafka batch is retried later), never with a version error the client
 * did not ask for. Waiting for this instance's own turns on a subject (SubjectLocks) is not counted: it loses nothing.
 */
const WRITE_RETRY_LIMITS = { minAttempts: 12, budgetMs: 3000, maxPauseMs: 100 };

/** Streams whose head a writer keeps (see EventWriter.keptReads), per generation of its RecentMap: 2 to 5 MB at most. */
const KEPT_STREAMS = 10_000;

/**
 * After a write that skipped its read (see EventWriter.keptReads) met an event id already stored, this many next writes
 * with client ids read them first: a client replaying what it sent (a bot re-sending a file) then costs one shared read
 * a request, not a failed group commit and a retry each.
 */
const ID_READS_AFTER_REUSE = 1000;

/** Each attempt of a write, by where its decision state came from: `read` (the store) or `kept` (keptReads). */
const writeStates = metric('counter', {
  name: 'ingest_write_states_total',
  help: 'Write attempts by where their decision state came from: read from the store, or kept from this instance’s own append',
  labelNames: ['source'],
});
const [statesRead, statesKept] = [writeStates.labels('read'), writeStates.labels('kept')];

/** A stream as this writer's last append left it: its version and kept state, the row that append wrote. */
interface KeptHead {
  version: number;
  schema: number;
  json: string;
}

/**
 * The write path every command shares: idempotency by event id, load each subject's decision state, decide in
 * order, append all streams in one transaction with the versions that were read. A concurrent writer makes the
 * append fail on version; then everything is re-read and re-decided, so rules always see the latest state.
 * `atomic`: any rejection rejects the whole request (stories); otherwise each item stands alone (batches).
 *
 * The decision state is read, not folded: each stream keeps its state (compacted: see compactStreamState) in
 * `event_store.stream_states`, written by the append that brings the stream to the version it reflects, in the same
 * transaction; the events a decision names (an amendment's target) are read by id with their own amendments. So a
 * write reads the same amount on a stream of 10 events or of 100,000. A stream without a usable row (none yet: every
 * stream recorded before the table; or a row of another STREAM_STATE_SCHEMA_VERSION, or left behind by an append
 * without a state) is folded from its events as before, and its append writes the row again. On the streams this
 * writer appended to most recently, the read is skipped: it decides on what its own append left (keptReads).
 */
export class EventWriter {
  private readonly logger = new Logger(EventWriter.name);
  private readonly locks = new SubjectLocks();
  /** The streams this writer appended to most recently, as its appends left them (see keptReads). */
  private readonly kept: RecentMap<string, KeptHead>;
  /** Writes with client ids still to read them first, after a skipped read met a stored id (ID_READS_AFTER_REUSE). */
  private idReadsOwed = 0;

  /**
   * maxEventBytes: NEWSROOM_MAX_EVENT_BYTES; an event whose Kafka record would be larger is rejected (413).
   * keptStreams: streams whose head is kept per generation (KEPT_STREAMS); 0 reads before every write.
   * clock: the instant a decision is taken at (tests fix it).
   */
  constructor(
    private readonly store: IngestEventStore,
    private readonly maxEventBytes = DEFAULT_MAX_EVENT_BYTES,
    private readonly retry = WRITE_RETRY_LIMITS,
    keptStreams = KEPT_STREAMS,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.kept = new RecentMap(keptStreams);
  }

  async write(intents: WriteIntent[], meta: RequestMeta, atomic: boolean): Promise<WriteOutcome[]> {
    try {
      return await this.writeWithRetries(intents, meta, atomic);
    } catch (error) {
      if (atomic || intents.length < 2 || !isIsolatable(error)) throw error;
      // Items stand alone, so one the database refuses (not a transient failure) must not fail the others: halves
      // are written on their own, down to the single item, which is rejected with the database's reason.
      return this.writeIsolated(intents, meta, error);
    }
  }

  private async writeIsolated(intents: WriteIntent[], meta: RequestMeta, error: unknown): Promise<WriteOutcome[]> {
    if (intents.length === 1) {
      this.logger.error({
        msg: 'the event store refused an event',
        eventId: intents[0].eventId,
        correlationId: meta.correlationId,
        error: (error as Error)?.message,
      });
      return [reject(intents[0], storeRejection(error))];
    }
    const half = intents.length >> 1;
    const out: WriteOutcome[] = [];
    // In order, so a stream's items are still decided and appended in submission order.
    for (const part of [intents.slice(0, half), intents.slice(half)]) {
      try {
        out.push(...(await this.writeWithRetries(part, meta, false)));
      } catch (e) {
        if (!isIsolatable(e)) throw e;
        out.push(...(await this.writeIsolated(part, meta, e)));
      }
    }
    return out;
  }

  private async writeWithRetries(intents: WriteIntent[], meta: RequestMeta, atomic: boolean): Promise<WriteOutcome[]> {
    const subjects = [...new Set(intents.map((i) => i.subject))];
    let firstLoss: number | null = null;
    for (let attempt = 1; ; attempt++) {
      try {
        // One write at a time per subject in this instance: each reads what the one before it appended.
        const outcomes = await this.locks.run(subjects, () => this.attempt(intents, meta, atomic));
        this.logOutcomes(outcomes, meta);
        return outcomes;
      } catch (error) {
        // Whatever went wrong, the next write on these streams reads them: an append that failed may still have
        // committed (a timeout), another writer may have appended (a lost race), an id may be stored already.
        subjects.forEach((subject) => this.kept.delete(subject));
        if (error instanceof DuplicateEventIdError) this.idReadsOwed = ID_READS_AFTER_REUSE;
        const lostRace = error instanceof WrongExpectedVersionError;
        if (!lostRace && !(error instanceof DuplicateEventIdError)) throw error;
        firstLoss ??= Date.now();
        const spent = Date.now() - firstLoss;
        if (attempt >= this.retry.minAttempts && spent >= this.retry.budgetMs) {
          if (!lostRace) throw error;
          this.logger.warn({ msg: 'stream contended past the retry budget', streams: [error.streamId], attempts: attempt, ms: spent });
          throw new StreamContendedError([error.streamId], attempt);
        }
        // Jittered, growing pause so writers of other instances racing on one stream do not collide again in lockstep.
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(this.retry.maxPauseMs, 5 * attempt)));
      }
    }
  }

  /**
   * For submissions today's validation refuses: the event stored under each one's id when the submission is that
   * event's content as it was sent (an earlier release took what today's rules refuse: a role with a TAB), answered
   * as a duplicate like any retry; else null, and the refusal stands. One read for all of them (the idempotency read
   * of a write, shared with concurrent writes); a store fault throws as any write's read does (503, retried).
   */
  async storedReplays(refused: RefusedSubmission[]): Promise<Array<DuplicateOutcome | null>> {
    if (!refused.length) return [];
    const { existing } = await this.store.readWriteState([], [...new Set(refused.map((r) => r.eventId))], []);
    return refused.map(({ eventId, fingerprints }) => {
      const stored = existing.get(eventId);
      return stored && fingerprints.includes(stored.contentHash) ? duplicateOf(stored) : null;
    });
  }

  /** A subject's decision state now (kept, or folded when it has none usable): what a merge checks its target against. */
  async currentState(subject: string): Promise<StreamState> {
    const reads = await this.store.readWriteState([subject], [], []);
    return (await this.decisionStates([subject], [], reads)).get(subject)!;
  }

  private async attempt(intents: WriteIntent[], meta: RequestMeta, atomic: boolean, mayKeep = true): Promise<WriteOutcome[]> {
    const outcomes: (WriteOutcome | undefined)[] = new Array(intents.length);
    const subjects = [...new Set(intents.map((i) => i.subject))];
    // The idempotency check, the streams' heads and kept states, and the events named, in one query shared with
    // concurrent requests; or, on streams this writer appended to last, what its appends left (keptReads).
    const kept = mayKeep ? this.keptReads(subjects, intents) : null;
    (kept ? statesKept : statesRead).inc();
    const reads =
      kept ??
      (await this.store.readWriteState(
        subjects,
        [...new Set(intents.filter((i) => i.idFromClient).map((i) => i.eventId))],
        [...new Set(intents.flatMap((i) => i.namedEvents ?? []))],
      ));
    const existing = reads.existing;
    const firstIndexOf = new Map<string, number>();
    const pending: number[] = [];
    intents.forEach((intent, i) => {
      const stored = existing.get(intent.eventId);
      if (stored) outcomes[i] = this.replayOutcome(intent, stored);
      else if (firstIndexOf.has(intent.eventId)) {
        const first = intents[firstIndexOf.get(intent.eventId)!];
        if (first.contentHash !== intent.contentHash) outcomes[i] = reject(intent, idConflict(intent));
      } else {
        firstIndexOf.set(intent.eventId, i);
        pending.push(i);
      }
    });

    const appends = new Map<string, StreamAppend>();
    const states = await this.decisionStates(
      [...new Set(pending.map((i) => intents[i].subject))],
      pending.map((i) => intents[i]),
      reads,
    );
    // Subjects whose state here is a copy of this write's own (its first event was applied with evolve): the
    // states read for the write stay as read, and the next events of the batch are applied in place.
    const owned = new Set<string>();
    const now = this.clock();
    for (const i of pending) {
      const intent = intents[i];
      let state = states.get(intent.subject)!;
      if (!appends.has(intent.subject)) {
        appends.set(intent.subject, { streamId: intent.subject, expectedVersion: state.version, events: [] });
      }
      try {
        const decided = intent.decide(state, now);
        const event = this.toAppend(intent, decided, meta);
        const tooLarge = this.sizeRejection(intent.subject, event);
        if (tooLarge) {
          outcomes[i] = reject(intent, tooLarge);
          continue;
        }
        const append = appends.get(intent.subject)!;
        append.events.push(event);
        const recorded = { ...decided, eventId: intent.eventId, streamVersion: state.version + 1 };
        state = owned.has(intent.subject) ? evolveOwned(state, recorded) : evolve(state, recorded);
        owned.add(intent.subject);
        states.set(intent.subject, state);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        outcomes[i] = reject(intent, fromDomainError(error));
      }
    }

    // A replay is answered as one, whatever the stream's rules say of it now (a merge made twice is refused the second
    // time): a client id refused without its read is decided again, after the read.
    if (kept && intents.some((intent, i) => intent.idFromClient && outcomes[i]?.status === 'rejected')) {
      return this.attempt(intents, meta, atomic, false);
    }
    if (atomic && outcomes.some((o) => o?.status === 'rejected')) return this.fillUnrecorded(intents, outcomes);
    // Each stream's state after its new events goes with them: the append keeps it in the same transaction.
    for (const append of appends.values()) {
      if (!append.events.length) continue;
      const data = encodeStreamState(states.get(append.streamId)!);
      append.state = { schema: STREAM_STATE_SCHEMA_VERSION, data, json: JSON.stringify(data) };
    }
    const appended = await this.store.appendMany([...appends.values()]);
    for (const { streamId, expectedVersion, events, state } of appends.values()) {
      if (state && typeof expectedVersion === 'number')
        this.kept.set(streamId, { version: expectedVersion + events.length, schema: state.schema, json: state.json! });
    }
    const byId = new Map(appended.map((a) => [a.eventId, a]));
    return intents.map((intent, i) => {
      if (outcomes[i]) return outcomes[i];
      const first = firstIndexOf.get(intent.eventId)!;
      const a = byId.get(intent.eventId);
      if (!a) return outcomes[first]!; // a repeat of an item that was itself rejected

      return {
        status: first === i ? 'created' : 'duplicate',
        eventId: a.eventId,
        globalPosition: a.globalPosition,
        streamVersion: a.streamVersion,
        recordedAt: a.recordedAt,
      };
    });
  }

  /**
   * What a write would read, from what this writer's own appends left, when that is all it needs: every subject is a
   * stream this writer appended to last (its version and the state row that append wrote, parsed as a read parses
   * it), no decision names an event or folds a whole stream, and no client id needs checking. Else null: read.
   *
   * It skips the read a write starts with, on the streams an instance keeps writing to (measured, ingest alone under
   * single appends over HTTP: 21-32% less of ingest's CPU a request, 15-38% more requests a second; README). It
   * decides nothing on stale state: each append still checks the version it was decided on, so a stream another
   * writer moved on fails it (WrongExpectedVersionError), is forgotten here and read again. It does not read the ids:
   * an id already stored fails the append (DuplicateEventIdError, the events table's unique key), and the retry reads
   * it and answers as a replay (200, or 409 for other content); after that, client ids are read first for a while
   * (ID_READS_AFTER_REUSE). And a write with a client id that its decision refuses is decided again after the read:
   * a replay is answered as one even where the rules would now refuse it.
   */
  private keptReads(subjects: string[], intents: WriteIntent[]): WriteStateReads | null {
    if (intents.some((i) => i.wholeStream || i.namedEvents?.length)) return null;
    const heads = new Map<string, StreamHead>();
    for (const subject of subjects) {
      const kept = this.kept.get(subject);
      if (!kept) return null;
      heads.set(subject, { version: kept.version, state: { version: kept.version, schema: kept.schema, data: JSON.parse(kept.json) } });
    }
    if (this.idReadsOwed > 0 && intents.some((i) => i.idFromClient)) {
      this.idReadsOwed--;
      return null;
    }
    return { heads, existing: new Map(), named: new Map() };
  }

  /**
   * The state each subject's decisions start from: its kept row when that reflects the stream's current version
   * under today's state schema, plus the events its intents name (read in the same statement as the row, so from
   * the same snapshot); otherwise the whole stream folded (read now: the fold's version is what the append checks).
   */
  private async decisionStates(subjects: string[], intents: WriteIntent[], reads: WriteStateReads): Promise<Map<string, StreamState>> {
    const states = new Map<string, StreamState>();
    const unkept: string[] = [];
    const whole = new Set(intents.filter((i) => i.wholeStream).map((i) => i.subject));
    for (const subject of subjects) {
      const kept = whole.has(subject) ? null : keptState(subject, reads.heads.get(subject) ?? { version: 0, state: null });
      if (!kept) {
        unkept.push(subject);
        continue;
      }
      const ids = [...new Set(intents.filter((i) => i.subject === subject).flatMap((i) => i.namedEvents ?? []))];
      const own = ids.flatMap((id) => reads.named.get(id) ?? []).filter((e) => e.streamId === subject);
      states.set(subject, ids.length ? withNamedEvents(kept, ids, own.map(toRecordedEvent)) : kept);
    }
    if (unkept.length) {
      this.logger.debug({ msg: 'no usable kept state: folding the streams', streams: unkept });
      const { streams } = await this.store.readForWrite(unkept, []);
      for (const subject of unkept) states.set(subject, foldStream(subject, streams.get(subject)!.map(toRecordedEvent)));
    }
    return states;
  }

  // Correlation and causation ids in the log line tie it to the request and to the Kafka headers of the events.
  // An HTTP request has its own line (request id = correlation id, status, key): this one is then a debug line.
  private logOutcomes(outcomes: WriteOutcome[], meta: RequestMeta): void {
    const count = (status: WriteOutcome['status']) => outcomes.filter((o) => o.status === status).length;
    this.logger[meta.requestLogged ? 'debug' : 'log']({
      msg: 'write handled',
      correlationId: meta.correlationId,
      causationId: meta.causationId,
      actor: meta.actor,
      created: count('created'),
      duplicates: count('duplicate'),
      rejected: count('rejected'),
    });
  }

  private replayOutcome(intent: WriteIntent, stored: StoredEvent): WriteOutcome {
    if (stored.contentHash !== intent.contentHash && !intent.sameContentAs?.(stored)) return reject(intent, idConflict(intent));
    return duplicateOf(stored);
  }

  private toAppend(intent: WriteIntent, e: NewEvent, requestMeta: RequestMeta): EventToAppend {
    const period = e.occurredAt ? parsePeriod(e.occurredAt) : null;
    const meta = intent.meta ?? requestMeta;
    // In the metadata, which the store keeps and the relay publishes as they are: no new column, same wire form.
    const metadata: EventMetadata = {
      correlationId: meta.correlationId,
      causationId: meta.causationId,
      actor: meta.actor,
      ...(e.inferred?.length ? { inferred: e.inferred } : {}),
    };
    return {
      eventId: intent.eventId,
      type: e.type,
      schemaVersion: e.schemaVersion,
      occurredAt: e.occurredAt,
      occurredStart: period?.start ?? null,
      occurredEnd: period?.end ?? null,
      data: e.data,
      sources: e.sources,
      modality: e.modality,
      metadata,
      contentHash: intent.contentHash,
      // Made once: the size check counts it and the store sends it.
      json: { data: JSON.stringify(e.data), sources: JSON.stringify(e.sources), metadata: JSON.stringify(metadata) },
    };
  }

  /**
   * Every accepted event must fit the Kafka topics (sized from the same setting), or the relay could never
   * publish it. Measured on what is about to be appended, with the server fields at their widest.
   */
  private sizeRejection(subject: string, { json, ...e }: EventToAppend): WriteRejection | null {
    const bytes = eventRecordBytes({ subject, ...e }, e.metadata, json);
    if (bytes <= this.maxEventBytes) return null;
    const fields = { data: e.data, sources: e.sources, metadata: e.metadata, subject };
    const path = Object.entries(fields).sort((a, b) => JSON.stringify(b[1] ?? '').length - JSON.stringify(a[1] ?? '').length)[0][0];
    return {
      status: 413,
      code: 'EVENT.TOO_LARGE',
      message: `the event would be a ${bytes}-byte Kafka record, above the ${this.maxEventBytes} bytes allowed (NEWSROOM_MAX_EVENT_BYTES)`,
      errors: [{ path, message: `too large: the event would be ${bytes} bytes, the limit is ${this.maxEventBytes}` }],
    };
  }

  /** In an atomic request that failed, the items that were fine are reported as not recorded, not as created. */
  private fillUnrecorded(intents: WriteIntent[], outcomes: (WriteOutcome | undefined)[]): WriteOutcome[] {
    return intents.map(
      (intent, i) =>
        outcomes[i] ??
        reject(intent, {
          status: 422,
          code: 'BATCH.NOT_RECORDED',
          message: 'not recorded because another event of this request was rejected',
        }),
    );
  }
}

/**
 * The kept state of a stream, or null when the write must fold the stream: no row, a row behind the stream's version
 * (an append without a state came after it), or one the domain does not take (another state schema, another shape).
 * A stream with no event needs no row.
 */
function keptState(subject: string, head: StreamHead): StreamState | null {
  if (head.version === 0) return initialStreamState(subject);
  if (!head.state || head.state.version !== head.version) return null;
  const state = decodeStreamState(subject, head.state.data, head.state.schema);
  return state && state.version === head.version ? state : null;
}

const STATUS_OF_KIND: Record<DomainError['kind'], number> = { validation: 400, rule: 422, conflict: 409, not_found: 404 };

export function fromDomainError(error: DomainError): WriteRejection {
  return {
    status: STATUS_OF_KIND[error.kind],
    code: error.code,
    message: error.message,
    ...(error.errors?.length ? { errors: error.errors } : {}),
  };
}

function idConflict({ eventId, idField = 'id', idName }: WriteIntent): WriteRejection {
  const what = idName ?? (idField === 'id' ? `event id ${eventId}` : `${idField} ${eventId}`);
  return {
    status: 409,
    code: 'EVENT.ID_CONFLICT',
    message: `${what} was already used for different content`,
    errors: [{ path: idField, message: 'already used for different content' }],
  };
}

/** Not transient (contention past the budget is), not a race the retries handle: an error about this data, which will fail again. */
function isIsolatable(error: unknown): boolean {
  return !isTransientStoreError(error) && !(error instanceof WrongExpectedVersionError) && !(error instanceof DuplicateEventIdError);
}

/**
 * Whether Postgres refused this event's data for good, by an SQLSTATE class about the data: a data exception (22), an
 * integrity constraint (23), a trigger or rule raising (P0), a program limit such as an index row too large (54). The
 * same write fails the same way again, so it is not one to retry: 422. Any other non-transient failure is ours (500).
 */
export function isStoreRefusal(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && /^(22|23|P0|54)[0-9A-Z]{3}$/.test(code);
}

/** The reason an item the event store itself refuses is rejected with (HTTP and Kafka's dead letters alike). */
export function storeRejection(error: unknown): WriteRejection {
  const e = error as { message?: string; code?: string };
  const code = typeof e?.code === 'string' && e.code ? ` (${e.code})` : '';
  return {
    status: isStoreRefusal(error) ? 422 : 500,
    code: 'STORE.REJECTED',
    message: `the event store refused this event${code}: ${e?.message ?? String(error)}`,
  };
}

/** The answer to a retry of a stored event: its place in the log, as when it was recorded. */
function duplicateOf(stored: StoredEvent): DuplicateOutcome {
  return {
    status: 'duplicate',
    eventId: stored.eventId,
    globalPosition: stored.globalPosition,
    streamVersion: stored.streamVersion,
    recordedAt: stored.recordedAt,
  };
}

function reject(intent: WriteIntent, error: WriteRejection): WriteOutcome {
  return { status: 'rejected', eventId: intent.eventId, error };
}
