import { Logger } from '@nestjs/common';
import { IncomingMessage, Publisher } from '@newsroom/messaging';
import { RecordEventsCommand } from '../../events/record-events/record-events.command';
import { WriteOutcome, WriteRejection } from '../../write/write.types';
import { toDeadLetter } from './dead-letter.message';
import { parseSubmissionMessage } from './submission-message';

export type RecordEvents = (command: RecordEventsCommand) => Promise<WriteOutcome[]>;
export type SubmissionOutcome = 'accepted' | 'duplicate' | 'rejected';

// One write transaction per chunk: a fetched batch can hold thousands of messages.
const CHUNK = 500;

/**
 * Handles one fetched batch of newsroom.submissions.v1: records the valid envelopes through the same
 * RecordEventsCommand as HTTP (each on its own, not all or nothing) and dead-letters every reject with the
 * error in headers. An infrastructure failure (Postgres down) throws, so the batch is retried, never dead-lettered.
 */
export class SubmissionBatchProcessor {
  private readonly logger = new Logger(SubmissionBatchProcessor.name);

  constructor(
    private readonly record: RecordEvents,
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
    if (valid.length) {
      // The command's own meta only names the chunk in logs; every event carries its message's meta.
      const first = messages[0];
      const chunkMeta = { correlationId: `${first.topic}/${first.partition}/${first.offset}`, causationId: null, actor: `kafka:${first.topic}` };
      const command = new RecordEventsCommand(valid.map((v) => v.submission), chunkMeta, false, valid.map((v) => v.meta));
      const outcomes = await this.record(command);
      outcomes.forEach((o, i) => {
        if (o.status === 'rejected') rejections[valid[i].index] = o.error;
        else if (o.status === 'created') accepted++;
        else duplicates++;
      });
    }
    const dead = messages.flatMap((m, i) => (rejections[i] ? [toDeadLetter(m, rejections[i]!)] : []));
    // Published before the batch resolves, so the offset is only committed once every reject is safe in the DLQ.
    if (dead.length) await this.publisher.publish(this.dlqTopic, dead);
    for (const d of dead) {
      this.logger.warn({
        msg: 'submission rejected to the dead-letter topic',
        code: d.headers?.['error-code'],
        partition: d.headers?.['source-partition'],
        offset: d.headers?.['source-offset'],
        correlationId: d.headers?.['correlation-id'] ?? null,
      });
    }
    this.onOutcome('accepted', accepted);
    this.onOutcome('duplicate', duplicates);
    this.onOutcome('rejected', dead.length);
  }
}
