import type { Pool } from 'pg';
import { PgEventStore } from '@newsroom/event-store';
import type { Publisher } from '@newsroom/messaging';
import { RecordEventsHandler } from '../../src/events/record-events/record-events.handler';
import { ReplayRefusedHandler } from '../../src/events/record-events/replay-refused.handler';
import { EventWriter } from '../../src/events/shared/event-writer.service';
import { SubmissionBatchProcessor, SubmissionOutcome } from '../../src/submissions/consume-submissions/submission-batch.processor';

/**
 * The submissions consumer's processor as ingest wires it, over a real event store: records through the write path
 * (RecordEventsHandler and ReplayRefusedHandler on one EventWriter, PgEventStore on `pool`) and dead-letters to `dlqTopic` through `publisher`.
 */
export function submissionsProcessor(
  pool: Pool,
  publisher: Pick<Publisher, 'publish'>,
  dlqTopic: string,
  onOutcome?: (outcome: SubmissionOutcome, count: number) => void,
): SubmissionBatchProcessor {
  const writer = new EventWriter(new PgEventStore(pool));
  const [record, replays] = [new RecordEventsHandler(writer), new ReplayRefusedHandler(writer)];
  return new SubmissionBatchProcessor(
    { record: (cmd) => record.execute(cmd), replays: (cmd) => replays.execute(cmd) },
    publisher,
    dlqTopic,
    onOutcome,
  );
}
