import { randomUUID } from 'node:crypto';
import { RetractionRequest, validateRetractionRequest, validateSubmission } from '@newsroom/domain';
import { departedEnvelope, InMemoryEventStore } from '@newsroom/testing';
import { EventWriter } from '../shared/event-writer.service';
import { recordIntent } from '../shared/intents.mapper';
import { RequestMeta } from '../shared/write.types';
import { RetractEventCommand } from './retract-event.command';
import { RetractEventHandler } from './retract-event.handler';

const meta: RequestMeta = { correlationId: 'corr-1', causationId: null, actor: 'test' };

function retraction(body: unknown): RetractionRequest {
  const valid = validateRetractionRequest(body);
  if (!valid.ok) throw new Error(JSON.stringify(valid.errors));
  return valid.value;
}

describe('RetractEventHandler on an in-memory store', () => {
  let store: InMemoryEventStore;
  let writer: EventWriter;
  let handler: RetractEventHandler;
  let target: ReturnType<typeof departedEnvelope>;
  const request = retraction({ reason: 'The report was a hoax' });
  const retract = (req: RetractionRequest, key?: string, targetId = target.id) =>
    handler.execute(new RetractEventCommand(targetId, req, meta, key));

  beforeEach(async () => {
    store = new InMemoryEventStore();
    writer = new EventWriter(store);
    handler = new RetractEventHandler(store, writer);
    target = departedEnvelope();
    const valid = validateSubmission(target);
    if (!valid.ok) throw new Error('bad fixture');
    await writer.write([recordIntent(valid.value)], meta, true);
  });

  it('given the same Idempotency-Key and request again, then it is a duplicate of the first and no second event', async () => {
    const key = randomUUID();
    const first = await retract(request, key);
    const again = await retract(request, key);
    expect(first).toMatchObject({ status: 'created', event: { eventId: key, type: 'event.retracted', streamVersion: 2 } });
    expect(again).toMatchObject({ status: 'duplicate', event: { eventId: key, streamVersion: 2 } });
    expect(store.events).toHaveLength(2);
  });

  it('given an Idempotency-Key already used for another request, then it is an id conflict', async () => {
    const key = randomUUID();
    await retract(request, key);
    expect(await retract(retraction({ reason: 'other' }), key)).toMatchObject({
      status: 'rejected',
      error: { status: 409, code: 'EVENT.ID_CONFLICT' },
    });
    expect(store.events).toHaveLength(2);
  });

  it('given a retracted event, when retracted again under a new key, then the rule rejects it and nothing is recorded', async () => {
    await retract(request);
    const again = await retract(request);
    expect(again).toMatchObject({ status: 'rejected', error: { status: 422 } });
    expect(store.events).toHaveLength(2);
  });

  it('given a concurrent retraction after the read, when retried, then the rules see it: the second is rejected', async () => {
    // Another ingest instance (a writer of its own: one instance takes turns per subject, so never races itself).
    const other = new RetractEventHandler(store, new EventWriter(store));
    store.beforeAppend = async () => {
      store.beforeAppend = null;
      await other.execute(new RetractEventCommand(target.id, retraction({ reason: 'first' }), meta));
    };
    const result = await retract(request);
    expect(result).toMatchObject({ status: 'rejected', error: { status: 422 } });
    expect(store.events.map((e) => e.type)).toEqual(['executive.departed', 'event.retracted']);
    expect(store.appendCalls).toBe(3);
  });

  it('given an unknown target, then EVENT.NOT_FOUND is thrown', async () => {
    await expect(retract(request, undefined, randomUUID())).rejects.toMatchObject({ code: 'EVENT.NOT_FOUND' });
  });
});
