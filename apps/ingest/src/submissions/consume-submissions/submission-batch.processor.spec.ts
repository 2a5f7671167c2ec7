import { randomUUID } from 'node:crypto';
import { contentHash } from '@newsroom/event-store';
import { IncomingMessage, OutgoingMessage, Publisher } from '@newsroom/messaging';
import { departedEnvelope, headcountEnvelope, InMemoryEventStore } from '@newsroom/testing';
import { RecordEventsHandler } from '../../events/record-events/record-events.handler';
import { ReplayRefusedHandler } from '../../events/record-events/replay-refused.handler';
import { EventWriter } from '../../events/shared/event-writer.service';
import { SubmissionBatchProcessor } from './submission-batch.processor';

const TOPIC = 'newsroom.submissions.v1';
const message = (value: unknown, offset: number): IncomingMessage => ({
  topic: TOPIC,
  partition: 0,
  offset: String(offset),
  key: 'k',
  value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
  headers: {},
});

describe('SubmissionBatchProcessor on an in-memory store', () => {
  let store: InMemoryEventStore;
  let dead: OutgoingMessage[];
  let processor: SubmissionBatchProcessor;

  beforeEach(() => {
    store = new InMemoryEventStore();
    dead = [];
    const publisher: Publisher = { publish: async (_topic, messages) => void dead.push(...messages) };
    const writer = new EventWriter(store);
    const [handler, replays] = [new RecordEventsHandler(writer), new ReplayRefusedHandler(writer)];
    processor = new SubmissionBatchProcessor(
      { record: (command) => handler.execute(command), replays: (command) => replays.execute(command) },
      publisher,
      `${TOPIC}.dlq`,
    );
  });

  it('given a batch redelivered, including envelopes without id, then nothing is recorded twice (ids from the log position)', async () => {
    const { id: _id, ...withoutId } = departedEnvelope();
    const batch = { topic: TOPIC, partition: 0, messages: [message(withoutId, 10), message(departedEnvelope(), 11)] };
    await processor.handleBatch(batch);
    await processor.handleBatch(batch);
    expect(store.events).toHaveLength(2);
    expect(dead).toHaveLength(0);
  });

  it('given a bad message among good ones, then it alone goes to the dead-letter topic with its reason', async () => {
    await processor.handleBatch({
      topic: TOPIC,
      partition: 0,
      messages: [
        message(departedEnvelope(), 1),
        message('{not json', 2),
        message(headcountEnvelope(5, { subject: `org:k-${randomUUID().slice(0, 6)}` }), 3),
      ],
    });
    expect(store.events).toHaveLength(2);
    expect(dead).toHaveLength(1);
    expect(dead[0].headers).toMatchObject({ 'error-code': 'REQUEST.MALFORMED_JSON', 'source-offset': '2' });
  });

  it('given an id reused for other content, then that message is dead-lettered as a conflict', async () => {
    const envelope = departedEnvelope();
    await processor.handleBatch({ topic: TOPIC, partition: 0, messages: [message(envelope, 1)] });
    await processor.handleBatch({ topic: TOPIC, partition: 0, messages: [message({ ...envelope, occurredAt: '2024-10' }, 2)] });
    expect(store.events).toHaveLength(1);
    expect(dead[0].headers).toMatchObject({ 'error-code': 'EVENT.ID_CONFLICT', 'error-status': '409' });
  });
  it('given an envelope an earlier release recorded that the schema refuses today, when it comes again, then it is a duplicate, not a dead letter', async () => {
    const sent = departedEnvelope();
    const old = { ...sent, data: { ...sent.data, role: 'Head\tof Legal' } };
    const { id, ...content } = old;
    await store.appendMany([
      {
        streamId: old.subject,
        expectedVersion: 'any',
        events: [
          {
            eventId: id,
            type: old.type,
            schemaVersion: 1,
            occurredAt: old.occurredAt,
            occurredStart: null,
            occurredEnd: null,
            data: old.data,
            sources: old.sources,
            modality: 'reported',
            metadata: { correlationId: 'old', causationId: null, actor: 'test' },
            contentHash: contentHash(content),
          },
        ],
      },
    ]);
    const other = { ...old, data: { ...old.data, role: 'Head\tof Sales' } };
    await processor.handleBatch({ topic: TOPIC, partition: 0, messages: [message(old, 1), message(other, 2)] });
    expect(store.events).toHaveLength(1);
    expect(dead.map((d) => d.headers?.['source-offset']?.toString())).toEqual(['2']);
  });
});
