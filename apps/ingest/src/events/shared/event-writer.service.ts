import { Logger } from '@nestjs/common';
import { DomainError, evolve, foldStream, NewEvent, parsePeriod, StreamState } from '@newsroom/domain';
import {
  DuplicateEventIdError,
  EventToAppend,
  isTransientStoreError,
  StoredEvent,
  StreamAppend,
  WrongExpectedVersionError,
} from '@newsroom/event-store';
import { DEFAULT_MAX_EVENT_BYTES, eventRecordBytes } from '@newsroom/platform';
import { IngestEventStore } from './event-store.port';
import { toRecordedEvent } from './stored-to-recorded.mapper';
import { RequestMeta, WriteOutcome, WriteRejection } from './write.types';

/** One event someone wants recorded: its id, its idempotency fingerprint, and how to decide it on its stream. */
export interface WriteIntent {
  eventId: string;
  idFromClient: boolean;
  contentHash: string;
  subject: string;
  decide(state: StreamState): NewEvent;
  /** Overrides the request's meta for this one event (each Kafka submission has its own correlation id). */
  meta?: RequestMeta;
}

const MAX_ATTEMPTS = 12;

/**
 * The write path every command shares: idempotency by event id, load and fold each subject's stream, decide
 * in order, append all streams in one transaction with the versions that were read. A concurrent writer makes
 * the append fail on version; then everything is re-read and re-decided, so rules always see the latest state.
 * `atomic`: any rejection rejects the whole request (stories); otherwise each item stands alone (batches).
 */
export class EventWriter {
  private readonly logger = new Logger(EventWriter.name);

  /** maxEventBytes: NEWSROOM_MAX_EVENT_BYTES; an event whose Kafka record would be larger is rejected (413). */
  constructor(
    private readonly store: IngestEventStore,
    private readonly maxEventBytes = DEFAULT_MAX_EVENT_BYTES,
  ) {}

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
    for (let attempt = 1; ; attempt++) {
      try {
        const outcomes = await this.attempt(intents, meta, atomic);
        this.logOutcomes(outcomes, meta);
        return outcomes;
      } catch (error) {
        const retriable = error instanceof WrongExpectedVersionError || error instanceof DuplicateEventIdError;
        if (!retriable || attempt >= MAX_ATTEMPTS) throw error;
        // Jittered pause so writers racing on one stream do not collide again in lockstep.
        await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
      }
    }
  }

  private async attempt(intents: WriteIntent[], meta: RequestMeta, atomic: boolean): Promise<WriteOutcome[]> {
    const outcomes: (WriteOutcome | undefined)[] = new Array(intents.length);
    // The idempotency check and the streams in one query, shared with concurrent requests.
    const { existing, streams } = await this.store.readForWrite(
      [...new Set(intents.map((i) => i.subject))],
      [...new Set(intents.filter((i) => i.idFromClient).map((i) => i.eventId))],
    );
    const firstIndexOf = new Map<string, number>();
    const pending: number[] = [];
    intents.forEach((intent, i) => {
      const stored = existing.get(intent.eventId);
      if (stored) outcomes[i] = this.replayOutcome(intent, stored);
      else if (firstIndexOf.has(intent.eventId)) {
        const first = intents[firstIndexOf.get(intent.eventId)!];
        if (first.contentHash !== intent.contentHash) outcomes[i] = reject(intent, idConflict(intent.eventId));
      } else {
        firstIndexOf.set(intent.eventId, i);
        pending.push(i);
      }
    });

    const appends = new Map<string, StreamAppend>();
    const states = new Map<string, StreamState>();
    for (const i of pending) {
      const intent = intents[i];
      let state = states.get(intent.subject);
      if (!state) {
        state = foldStream(intent.subject, streams.get(intent.subject)!.map(toRecordedEvent));
        states.set(intent.subject, state);
        appends.set(intent.subject, { streamId: intent.subject, expectedVersion: state.version, events: [] });
      }
      try {
        const decided = intent.decide(state);
        const event = this.toAppend(intent, decided, meta);
        const tooLarge = this.sizeRejection(intent.subject, event);
        if (tooLarge) {
          outcomes[i] = reject(intent, tooLarge);
          continue;
        }
        const append = appends.get(intent.subject)!;
        append.events.push(event);
        states.set(intent.subject, evolve(state, { ...decided, eventId: intent.eventId, streamVersion: state.version + 1 }));
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        outcomes[i] = reject(intent, fromDomainError(error));
      }
    }

    if (atomic && outcomes.some((o) => o?.status === 'rejected')) return this.fillUnrecorded(intents, outcomes);
    const appended = await this.store.appendMany([...appends.values()]);
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
    if (stored.contentHash !== intent.contentHash) return reject(intent, idConflict(intent.eventId));
    return {
      status: 'duplicate',
      eventId: stored.eventId,
      globalPosition: stored.globalPosition,
      streamVersion: stored.streamVersion,
      recordedAt: stored.recordedAt,
    };
  }

  private toAppend(intent: WriteIntent, e: NewEvent, requestMeta: RequestMeta): EventToAppend {
    const period = e.occurredAt ? parsePeriod(e.occurredAt) : null;
    const meta = intent.meta ?? requestMeta;
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
      // In the metadata, which the store keeps and the relay publishes as they are: no new column, same wire form.
      metadata: {
        correlationId: meta.correlationId,
        causationId: meta.causationId,
        actor: meta.actor,
        ...(e.inferred?.length ? { inferred: e.inferred } : {}),
      },
      contentHash: intent.contentHash,
    };
  }

  /**
   * Every accepted event must fit the Kafka topics (sized from the same setting), or the relay could never
   * publish it. Measured on what is about to be appended, with the server fields at their widest.
   */
  private sizeRejection(subject: string, e: EventToAppend): WriteRejection | null {
    const bytes = eventRecordBytes({ subject, ...e }, e.metadata);
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

const STATUS_OF_KIND: Record<DomainError['kind'], number> = { validation: 400, rule: 422, conflict: 409, not_found: 404 };

export function fromDomainError(error: DomainError): WriteRejection {
  return {
    status: STATUS_OF_KIND[error.kind],
    code: error.code,
    message: error.message,
    ...(error.errors?.length ? { errors: error.errors } : {}),
  };
}

function idConflict(eventId: string): WriteRejection {
  return {
    status: 409,
    code: 'EVENT.ID_CONFLICT',
    message: `event id ${eventId} was already used for different content`,
    errors: [{ path: 'id', message: 'already used for different content' }],
  };
}

/** Not transient, not a race the retries handle: an error about this data, which will fail again. */
function isIsolatable(error: unknown): boolean {
  return !isTransientStoreError(error) && !(error instanceof WrongExpectedVersionError) && !(error instanceof DuplicateEventIdError);
}

/** The reason an item the event store itself refuses is rejected with (Kafka: dead-lettered with). */
export function storeRejection(error: unknown): WriteRejection {
  const e = error as { message?: string; code?: string };
  const code = typeof e?.code === 'string' && e.code ? ` (${e.code})` : '';
  return { status: 500, code: 'STORE.REJECTED', message: `the event store refused this event${code}: ${e?.message ?? String(error)}` };
}

function reject(intent: WriteIntent, error: WriteRejection): WriteOutcome {
  return { status: 'rejected', eventId: intent.eventId, error };
}
