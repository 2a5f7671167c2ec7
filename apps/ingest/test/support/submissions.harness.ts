import type { Pool } from 'pg';
import { PgEventStore } from '@newsroom/event-store';
import type { Publisher } from '@newsroom/messaging';
import { RecordEventsHandler } from '../../src/events/record-events/record-events.handler';
import { EventWriter } from '../../src/events/shared/event-writer.service';
import { SubmissionBatchProcessor, SubmissionOutcome } from '../../src/submissions/consume-submissions/submission-batch.processor';

/**
 * The submissions consumer's processor as ingest wires it, over a real event store: records through the write path
 * (RecordEventsHandler, EventWriter, PgEventStore on `pool`) and dead-letters to `dlqTopic` through `publisher`.
 */
export function submissionsProcessor(
  pool: Pool,
  publisher: Pick<Publisher, 'publish'>,
  dlqTopic: string,
  onOutcome?: (outcome: SubmissionOutcome, count: number) => void,
): SubmissionBatchProcessor {
  const record = new RecordEventsHandler(new EventWriter(new PgEventStore(pool)));
  return new SubmissionBatchProcessor((cmd) => record.execute(cmd), publisher, dlqTopic, onOutcome);
}
