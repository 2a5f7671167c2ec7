import { randomUUID } from 'node:crypto';
import { CorrectionRequest, DomainError, validateCorrectionRequest, validateSubmission } from '@newsroom/domain';
import { departedEnvelope, InMemoryEventStore } from '@newsroom/testing';
import { EventWriter } from '../shared/event-writer.service';
import { recordIntent } from '../shared/intents.mapper';
import { RequestMeta } from '../shared/write.types';
import { CorrectEventCommand } from './correct-event.command';
import { CorrectEventHandler } from './correct-event.handler';

const meta: RequestMeta = { correlationId: 'corr-1', causationId: null, actor: 'test' };

function correction(body: unknown): CorrectionRequest {
  const valid = validateCorrectionRequest(body);
  if (!valid.ok) throw new Error(JSON.stringify(valid.errors));
  return valid.value;
}

describe('CorrectEventHandler on an in-memory store', () => {
  let store: InMemoryEventStore;
  let writer: EventWriter;
  let handler: CorrectEventHandler;
  let target: ReturnType<typeof departedEnvelope>;
  const request = correction({
    changes: { occurredAt: '2024-09-25', data: { reason: 'unknown' } },
    reason: 'The source misread the statement',
  });
  const correct = (req: CorrectionRequest, key?: string, targetId = target.id) =>
    handler.execute(new CorrectEventCommand(targetId, req, meta, key));

  beforeEach(async () => {
    store = new InMemoryEventStore();
    writer = new EventWriter(store);
    handler = new CorrectEventHandler(store, writer);
    target = departedEnvelope();
    const valid = validateSubmission(target);
    if (!valid.ok) throw new Error('bad fixture');
    await writer.write([recordIntent(valid.value)], meta, true);
  });

  it("given a correction, then it is recorded in the target's stream and read back", async () => {
    const result = await correct(request);
    expect(result).toMatchObject({
      status: 'created',
      event: { type: 'event.corrected', streamId: target.subject, streamVersion: 2, data: { targetEventId: target.id, ...request } },
    });
    expect(store.events).toHaveLength(2);
  });

  it('given the same Idempotency-Key and request again, then it is a duplicate of the first and no second event', async () => {
    const key = randomUUID();
    const first = await correct(request, key);
    const again = await correct(request, key.toUpperCase());
    expect(first).toMatchObject({ status: 'created', event: { eventId: key } });
    expect(again).toMatchObject({ status: 'duplicate', event: { eventId: key } });
    if (first.status !== 'rejected' && again.status !== 'rejected') expect(again.event.globalPosition).toBe(first.event.globalPosition);
    expect(store.events).toHaveLength(2);
  });

  it('given an Idempotency-Key already used for another request, then it is an id conflict and nothing is recorded', async () => {
    const key = randomUUID();
    await correct(request, key);
    const other = await correct({ ...request, reason: 'another reason' }, key);
    expect(other).toMatchObject({ status: 'rejected', error: { status: 409, code: 'EVENT.ID_CONFLICT' } });
    expect(store.events).toHaveLength(2);
  });

  it('given a concurrent append to the stream, when the first try fails on version, then the correction is retried and recorded after it', async () => {
    // Another ingest instance (a writer of its own: one instance takes turns per subject, so never races itself).
    const other = new CorrectEventHandler(store, new EventWriter(store));
    store.beforeAppend = async () => {
      store.beforeAppend = null;
      await other.execute(
        new CorrectEventCommand(target.id, correction({ changes: { occurredAt: '2024-09-24' }, reason: 'first fix' }), meta),
      );
    };
    const result = await correct(request);
    expect(result).toMatchObject({ status: 'created', event: { streamVersion: 3 } });
    expect(store.events.map((e) => e.type)).toEqual(['executive.departed', 'event.corrected', 'event.corrected']);
  });

  it('given an unknown target, then EVENT.NOT_FOUND is thrown and nothing is recorded', async () => {
    const unknown = correct(request, undefined, randomUUID());
    await expect(unknown).rejects.toBeInstanceOf(DomainError);
    await expect(correct(request, undefined, randomUUID())).rejects.toMatchObject({ code: 'EVENT.NOT_FOUND', kind: 'not_found' });
    expect(store.events).toHaveLength(1);
  });
});
