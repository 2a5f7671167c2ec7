import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { PgEventStore } from '@newsroom/event-store';
import type { IncomingMessage, ManagedConsumer, Publisher } from '@newsroom/messaging';
import { createTestDatabase, testKafka, testTopics } from '@newsroom/testing';
import { ingestPoster, startIngestApp } from './ingest-app.harness';
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

/**
 * Ingest as a client meets it over both doors, on a database of its own: the HTTP app (writes with `writeKey`), the
 * submissions consumer on fresh topics (one partition each) recording through the write path, and a consumer
 * collecting the dead letters. `counted` tallies the consumer's outcomes; `stop` undoes all of it.
 */
export async function startIngestWorld(label: string, writeKey: string) {
  const db = await createTestDatabase(label.replace(/-/g, '_'));
  const { app, url } = await startIngestApp(db, `${label}-test`, writeKey);
  const store = new PgEventStore(db.pool);
  const kafka = testKafka(`${label}-test`);
  const { topics } = testTopics(label);
  const dead: IncomingMessage[] = [];
  const counted: Record<SubmissionOutcome, number> = { accepted: 0, duplicate: 0, rejected: 0 };
  await kafka.ensureTopics([
    { topic: topics.submissions, partitions: 1 },
    { topic: topics.submissionsDlq, partitions: 1 },
  ]);
  const processor = submissionsProcessor(db.pool, kafka, topics.submissionsDlq, (o, n) => (counted[o] += n));
  const consumers: ManagedConsumer[] = [
    kafka.consumer({ groupId: `ingest-${randomUUID()}`, topics: [topics.submissions], handler: (b) => processor.handleBatch(b) }),
    kafka.consumer({
      groupId: `dlq-${randomUUID()}`,
      topics: [topics.submissionsDlq],
      handler: async (b) => void dead.push(...b.messages),
    }),
  ];
  await Promise.all(consumers.map((c) => c.start()));
  return {
    db,
    app,
    store,
    kafka,
    topics,
    dead,
    counted,
    post: ingestPoster(url, writeKey),
    eventCount: async () => Number((await db.pool.query('SELECT count(*) AS n FROM event_store.events')).rows[0].n),
    stop: async () => {
      await Promise.all(consumers.map((c) => c.stop()));
      await kafka.deleteTopics([topics.submissions, topics.submissionsDlq]).catch(() => undefined);
      await kafka.close();
      await app.close();
      await db.drop();
    },
  };
}
