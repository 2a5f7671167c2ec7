import { Logger } from '@nestjs/common';
import { isTransientStoreError } from '@newsroom/event-store';
import { IncomingMessage, Publisher } from '@newsroom/messaging';
import { RecordEventsCommand } from '../../events/record-events/record-events.command';
import { ReplayRefusedCommand } from '../../events/record-events/replay-refused.command';
import { storeRejection } from '../../events/shared/event-writer.service';
import { DuplicateOutcome, WriteOutcome, WriteRejection } from '../../events/shared/write.types';
import { toDeadLetter } from './dead-letter.message';
import { ParsedSubmission, parseSubmissionMessage } from './submission.message';

type ValidSubmission = Extract<ParsedSubmission, { ok: true }> & { index: number };

/** The commands the processor sends (ingest: through its command bus; the tests: to the handlers). */
export interface SubmissionWrites {
  record(command: RecordEventsCommand): Promise<WriteOutcome[]>;
  replays(command: ReplayRefusedCommand): Promise<Array<DuplicateOutcome | null>>;
}
export type SubmissionOutcome = 'accepted' | 'duplicate' | 'rejected';

// One write transaction per chunk: a fetched batch can hold thousands of messages.
const CHUNK = 500;
/** Pause before a transient failure is thrown back to the consumer, so a batch is retried later, not in a hot loop. */
const TRANSIENT_PAUSE_MS = { min: 500, max: 5000 };

/**
 * Handles one fetched batch of newsroom.submissions.v1: records the valid envelopes through the same
 * RecordEventsCommand as HTTP (each on its own, not all or nothing) and dead-letters every reject with the
 * error in headers. A transient failure (Postgres down, timed out, its queue full) throws after a pause, so the
 * batch is retried, never dead-lettered. Any other failure of a chunk is isolated: the chunk is recorded in halves,
 * down to the single message, and only the messages that fail alone are dead-lettered (STORE.REJECTED, with the
 * database's reason), so one message the database refuses never blocks its partition.
 */
export class SubmissionBatchProcessor {
  private readonly logger = new Logger(SubmissionBatchProcessor.name);

  constructor(
    private readonly writes: SubmissionWrites,
    private readonly publisher: Publisher,
    private readonly dlqTopic: string,
    private readonly onOutcome: (outcome: SubmissionOutcome, count: number) => void = () => undefined,
  ) {}

  async handleBatch(batch: { topic: string; partition: number; messages: IncomingMessage[] }): Promise<void> {
    for (let i = 0; i < batch.messages.length; i += CHUNK) await this.handleChunk(batch.messages.slice(i, i + CHUNK));
  }

  private async handleChunk(messages: IncomingMessage[]): Promise<void> {
    const parsed = messages.map(parseSubmissionMessage);
    const rejections: Array<WriteRejection | null> = parsed.map((p) => (p.ok ? null : p.rejection));
    const valid = parsed.flatMap((p, index) => (p.ok ? [{ ...p, index }] : []));
    let accepted = 0;
    let duplicates = 0;
    // A refused message that is a stored event's content as an earlier release recorded it (a redelivery across an
    // upgrade) is a duplicate, not a dead letter: one read for the chunk's refused messages, before anything is written.
    const named = parsed.flatMap((p, index) => (!p.ok && p.replayOf ? [{ index, refused: p.replayOf }] : []));
    if (named.length) {
      const replays = await this.orRetryLater(this.writes.replays(new ReplayRefusedCommand(named.map((n) => n.refused))));
      replays.forEach((o, i) => {
        if (!o) return;
        rejections[named[i].index] = null;
        duplicates++;
      });
    }
    if (valid.length) {
      const outcomes = await this.recordIsolated(messages, valid);
      outcomes.forEach((o, i) => {
        if (o.status === 'rejected') rejections[valid[i].index] = o.error;
        else if (o.status === 'created') accepted++;
        else duplicates++;
      });
    }
    const dead = messages.flatMap((m, i) => (rejections[i] ? [toDeadLetter(m, rejections[i])] : []));
    // Published before the batch resolves, so the offset is only committed once every reject is safe in the DLQ.
    // Compressed, and cut if even that does not fit (KafkaClient): a dead letter is never refused for its size.
    if (dead.length) await this.publisher.publish(this.dlqTopic, dead, { deadLetters: true });
    for (const d of dead) {
      this.logger.warn({
        msg: 'submission rejected to the dead-letter topic',
        code: d.headers?.['error-code'],
        partition: d.headers?.['source-partition'],
        offset: d.headers?.['source-offset'],
        correlationId: d.headers?.['correlation-id']?.toString() ?? null,
      });
    }
    this.onOutcome('accepted', accepted);
    this.onOutcome('duplicate', duplicates);
    this.onOutcome('rejected', dead.length);
  }

  /** Records the chunk; on a non-transient failure records each half on its own, down to single messages. */
  private async recordIsolated(messages: IncomingMessage[], valid: ValidSubmission[]): Promise<WriteOutcome[]> {
    try {
      return await this.writes.record(this.commandFor(messages, valid));
    } catch (error) {
      if (isTransientStoreError(error)) await this.pauseAndThrow(error);
      if (valid.length === 1) {
        const m = messages[valid[0].index];
        this.logger.error({
          msg: 'the event store refused a submission',
          partition: m.partition,
          offset: m.offset,
          error: (error as Error)?.message,
        });
        return [{ status: 'rejected', eventId: valid[0].submission.id ?? null, error: storeRejection(error) }];
      }
      const half = valid.length >> 1;
      // In order, so a stream's submissions still record in partition order.
      const left = await this.recordIsolated(messages, valid.slice(0, half));
      const right = await this.recordIsolated(messages, valid.slice(half));
      return [...left, ...right];
    }
  }

  /** What `work` answers; on a transient store failure, that failure after a pause (the batch is retried later). */
  private async orRetryLater<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (error) {
      if (isTransientStoreError(error)) await this.pauseAndThrow(error);
      throw error;
    }
  }

  private async pauseAndThrow(error: unknown): Promise<never> {
    const wait = Math.min(
      TRANSIENT_PAUSE_MS.max,
      Math.max(TRANSIENT_PAUSE_MS.min, ((error as { retryAfterSeconds?: number }).retryAfterSeconds ?? 1) * 1000),
    );
    this.logger.warn({ msg: 'submissions batch not recorded, will be retried', error: (error as Error).message, retryInMs: wait });
    await new Promise((r) => setTimeout(r, wait));
    throw error;
  }

  private commandFor(messages: IncomingMessage[], valid: ValidSubmission[]): RecordEventsCommand {
    // The command's own meta only names the chunk in logs; every event carries its message's meta.
    const first = messages[valid[0].index];
    const chunkMeta = {
      correlationId: `${first.topic}/${first.partition}/${first.offset}`,
      causationId: null,
      actor: `kafka:${first.topic}`,
    };
    return new RecordEventsCommand(
      valid.map((v) => v.submission),
      chunkMeta,
      false,
      valid.map((v) => v.meta),
    );
  }
}
