import { randomUUID } from 'node:crypto';
import { SourceRequest, validateRetractionRequest, validateSourceRequest, validateSubmission } from '@newsroom/domain';
import { departedEnvelope, InMemoryEventStore } from '@newsroom/testing';
import { RetractEventCommand } from '../retract-event/retract-event.command';
import { RetractEventHandler } from '../retract-event/retract-event.handler';
import { EventWriter } from '../shared/event-writer.service';
import { recordIntent } from '../shared/intents.mapper';
import { RequestMeta } from '../shared/write.types';
import { AttachSourceCommand } from './attach-source.command';
import { AttachSourceHandler } from './attach-source.handler';

const meta: RequestMeta = { correlationId: 'corr-1', causationId: null, actor: 'test' };

function sourcing(body: unknown): SourceRequest {
  const valid = validateSourceRequest(body);
  if (!valid.ok) throw new Error(JSON.stringify(valid.errors));
  return valid.value;
}

describe('AttachSourceHandler on an in-memory store', () => {
  let store: InMemoryEventStore;
  let writer: EventWriter;
  let handler: AttachSourceHandler;
  let target: ReturnType<typeof departedEnvelope>;
  const request = sourcing({
    source: { outlet: 'Second Wire', language: 'en', url: 'https://wire.example/b', via: 'Example Daily' },
    stance: 'confirms',
  });
  const attach = (req: SourceRequest, key?: string, targetId: string = target.id) =>
    handler.execute(new AttachSourceCommand(targetId, req, meta, key));

  beforeEach(async () => {
    store = new InMemoryEventStore();
    writer = new EventWriter(store);
    handler = new AttachSourceHandler(store, writer);
    target = departedEnvelope();
    const valid = validateSubmission(target);
    if (!valid.ok) throw new Error('bad fixture');
    await writer.write([recordIntent(valid.value)], meta, true);
  });

  it("given a source, then an event.sourced is recorded in the target's stream with the source and stance", async () => {
    const result = await attach(request);
    expect(result).toMatchObject({
      status: 'created',
      event: {
        type: 'event.sourced',
        streamId: target.subject,
        streamVersion: 2,
        data: { targetEventId: target.id, ...request },
        sources: [request.source],
      },
    });
    expect(store.events).toHaveLength(2);
  });

  it('given a denying source, then the event is recorded with the denied modality', async () => {
    const result = await attach(sourcing({ source: { outlet: 'Other Paper', language: 'fr' }, stance: 'denies' }));
    expect(result).toMatchObject({ status: 'created', event: { modality: 'denied', data: { stance: 'denies' } } });
  });

  it('given the same Idempotency-Key and request again, then it is a duplicate and no second event', async () => {
    const key = randomUUID();
    const first = await attach(request, key);
    const again = await attach(request, key);
    expect(first).toMatchObject({ status: 'created', event: { eventId: key } });
    expect(again).toMatchObject({ status: 'duplicate', event: { eventId: key } });
    expect(store.events).toHaveLength(2);
  });

  it('given an Idempotency-Key already used for another request, then it is an id conflict and nothing is recorded', async () => {
    const key = randomUUID();
    await attach(request, key);
    const other = await attach({ ...request, stance: 'denies' }, key);
    expect(other).toMatchObject({ status: 'rejected', error: { status: 409, code: 'EVENT.ID_CONFLICT' } });
    expect(store.events).toHaveLength(2);
  });

  it('given an unknown target, then EVENT.NOT_FOUND (404) is thrown and nothing is recorded', async () => {
    await expect(attach(request, undefined, randomUUID())).rejects.toMatchObject({ code: 'EVENT.NOT_FOUND', kind: 'not_found' });
    expect(store.events).toHaveLength(1);
  });

  it('given a retracted target, then it is rejected as EVENT.RETRACTED (422) and nothing is recorded', async () => {
    const retraction = validateRetractionRequest({ reason: 'wrong' });
    if (!retraction.ok) throw new Error('bad fixture');
    await new RetractEventHandler(store, writer).execute(new RetractEventCommand(target.id, retraction.value, meta));
    await expect(attach(request)).resolves.toMatchObject({ status: 'rejected', error: { status: 422, code: 'EVENT.RETRACTED' } });
    expect(store.events.map((e) => e.type)).toEqual(['executive.departed', 'event.retracted']);
  });

  it('given an attached source as the target, then it cannot be sourced in turn', async () => {
    const first = await attach(request);
    if (first.status === 'rejected') throw new Error('not recorded');
    await expect(attach(request, undefined, first.event.eventId)).resolves.toMatchObject({
      status: 'rejected',
      error: { status: 422, code: 'EVENT.NOT_CORRECTABLE' },
    });
  });
});
