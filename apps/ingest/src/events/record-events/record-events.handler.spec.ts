import { randomUUID } from 'node:crypto';
import { Submission, validateSubmission } from '@newsroom/domain';
import { departedEnvelope, headcountEnvelope, InMemoryEventStore } from '@newsroom/testing';
import { EventWriter } from '../shared/event-writer.service';
import { recordIntent } from '../shared/intents.mapper';
import { RequestMeta } from '../shared/write.types';
import { RecordEventsCommand } from './record-events.command';
import { RecordEventsHandler } from './record-events.handler';

const meta: RequestMeta = { correlationId: 'corr-1', causationId: null, actor: 'test' };

function submission(envelope: Record<string, unknown>): Submission {
  const valid = validateSubmission(envelope);
  if (!valid.ok) throw new Error(JSON.stringify(valid.errors));
  return valid.value;
}

describe('RecordEventsHandler on an in-memory store', () => {
  let store: InMemoryEventStore;
  let handler: RecordEventsHandler;
  const record = (submissions: Submission[], atomic = true, itemMeta?: RequestMeta[]) =>
    handler.execute(new RecordEventsCommand(submissions, meta, atomic, itemMeta));

  beforeEach(() => {
    store = new InMemoryEventStore();
    handler = new RecordEventsHandler(new EventWriter(store));
  });

  it('given an event already recorded, when the same id and content come again, then it is a duplicate with the first answer and no second event', async () => {
    const s = submission(departedEnvelope());
    const [first] = await record([s]);
    const [again] = await record([{ ...s }]);
    expect(first).toMatchObject({ status: 'created', eventId: s.id, streamVersion: 1 });
    expect(again).toEqual({ ...first, status: 'duplicate' });
    expect(store.events).toHaveLength(1);
  });

  it('given an id in upper case, when it is sent again in lower case, then it is the same event', async () => {
    const id = randomUUID();
    const s = submission(departedEnvelope({ id: id.toUpperCase() }));
    await record([s]);
    const [again] = await record([{ ...s, id }]);
    expect(again).toMatchObject({ status: 'duplicate', eventId: id });
    expect(store.events).toHaveLength(1);
  });

  it('given an event already recorded, when its id comes with other content, then it is an id conflict and nothing changes', async () => {
    const s = submission(departedEnvelope());
    await record([s]);
    const [conflict] = await record([{ ...s, occurredAt: '2024-10' }]);
    expect(conflict).toMatchObject({ status: 'rejected', eventId: s.id, error: { status: 409, code: 'EVENT.ID_CONFLICT' } });
    expect(store.events).toHaveLength(1);
    expect(store.events[0].occurredAt).toBe(s.occurredAt);
  });

  it('given one request with an id twice, then the same content is a duplicate and other content a conflict', async () => {
    const s = submission(departedEnvelope());
    const outcomes = await record([s, { ...s }, { ...s, occurredAt: '2024-10' }], false);
    expect(outcomes.map((o) => o.status)).toEqual(['created', 'duplicate', 'rejected']);
    expect(outcomes[2]).toMatchObject({ error: { code: 'EVENT.ID_CONFLICT' } });
    expect(store.events).toHaveLength(1);
  });

  it('given a concurrent append to the stream after the read, when the append fails on version, then the write is re-read, re-decided and recorded after it', async () => {
    const subject = `org:race-${randomUUID().slice(0, 8)}`;
    const other = new EventWriter(store);
    store.beforeAppend = async () => {
      store.beforeAppend = null;
      await other.write([recordIntent(submission(headcountEnvelope(100, { subject })))], meta, true);
    };
    const [outcome] = await record([submission(headcountEnvelope(120, { subject }))]);
    expect(outcome).toMatchObject({ status: 'created', streamVersion: 2 });
    expect(store.events.map((e) => e.data)).toEqual([{ total: 100 }, { total: 120 }]);
    expect(store.appendCalls).toBe(3); // the first try, the concurrent writer's, the retry
  });

  it('given a concurrent writer that recorded the very same event, when retried, then the answer is a duplicate', async () => {
    const s = submission(departedEnvelope());
    store.beforeAppend = async () => {
      store.beforeAppend = null;
      await new EventWriter(store).write([recordIntent(s)], meta, true);
    };
    const [outcome] = await record([s]);
    expect(outcome).toMatchObject({ status: 'duplicate', eventId: s.id });
    expect(store.events).toHaveLength(1);
  });

  it('given a batch (not atomic), when one item breaks a rule, then it alone is rejected and the others are recorded', async () => {
    const ruled = submission({
      id: randomUUID(),
      type: 'lawsuit.status_changed',
      subject: `case:none-${randomUUID().slice(0, 6)}`,
      occurredAt: '2024-08',
      data: { status: 'dismissed' },
      sources: [{ outlet: 'Example', language: 'en' }],
    });
    const outcomes = await record([submission(departedEnvelope()), ruled], false);
    expect(outcomes.map((o) => o.status)).toEqual(['created', 'rejected']);
    expect(outcomes[1]).toMatchObject({ error: { status: 422, code: 'CASE.NOT_FILED' } });
    expect(store.events).toHaveLength(1);
  });

  it('given per-item meta (Kafka), then each event carries its own correlation id', async () => {
    const a = submission(departedEnvelope());
    const b = submission(departedEnvelope());
    await record([a, b], false, [
      { ...meta, correlationId: 'msg-a' },
      { ...meta, correlationId: 'msg-b' },
    ]);
    expect(store.events.map((e) => e.metadata.correlationId)).toEqual(['msg-a', 'msg-b']);
  });

  it('given no id, then the server makes a time-ordered (v7) one', async () => {
    const { id: _id, ...withoutId } = submission(departedEnvelope());
    const [outcome] = await record([withoutId]);
    expect(outcome.status).toBe('created');
    expect(outcome.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
