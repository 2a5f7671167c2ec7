import { randomUUID } from 'node:crypto';
import {
  CONFLICT_ID_NAMESPACE,
  claimsOf,
  conflictName,
  validateResolutionRequest,
  validateRetractionRequest,
  validateSubmission,
} from '@newsroom/domain';
import { uuidv5 } from '@newsroom/platform';
import { InMemoryEventStore } from '@newsroom/testing';
import { RetractEventCommand } from '../../events/retract-event/retract-event.command';
import { RetractEventHandler } from '../../events/retract-event/retract-event.handler';
import { EventWriter } from '../../events/shared/event-writer.service';
import { recordIntent } from '../../events/shared/intents.mapper';
import { RequestMeta } from '../../events/shared/write.types';
import { ResolveConflictCommand } from './resolve-conflict.command';
import { ResolveConflictHandler } from './resolve-conflict.handler';

const meta: RequestMeta = { correlationId: 'corr-1', causationId: null, actor: 'test' };

const loss = (amount: string, outlet: string) => ({
  id: randomUUID(),
  type: 'financial.loss_reported',
  subject: 'org:openai',
  occurredAt: '2024-H1',
  data: { money: { amount, currency: 'USD' }, period: '2024-H1', basis: 'actual' },
  sources: [{ outlet, language: 'en' }],
});

describe('ResolveConflictHandler on an in-memory store', () => {
  let store: InMemoryEventStore;
  let writer: EventWriter;
  let handler: ResolveConflictHandler;
  const first = loss('5000000000', 'Example Daily');
  const second = loss('3000000000', 'Second Wire');
  const key = claimsOf({ ...first, data: first.data })[0].key;
  const conflictId = uuidv5(conflictName(key, first.id, second.id), CONFLICT_ID_NAMESPACE);
  const request = (standingEventId: string, reason = 'the filing says 5 billion') => {
    const valid = validateResolutionRequest({ standingEventId, reason });
    if (!valid.ok) throw new Error(JSON.stringify(valid.errors));
    return valid.value;
  };
  const resolve = (id: string, standing: string, idempotency?: string, reason?: string) =>
    handler.execute(new ResolveConflictCommand(id, request(standing, reason), meta, idempotency));

  beforeEach(async () => {
    store = new InMemoryEventStore();
    writer = new EventWriter(store);
    handler = new ResolveConflictHandler(store, writer);
    for (const e of [first, second]) {
      const valid = validateSubmission(e);
      if (!valid.ok) throw new Error('bad fixture');
      await writer.write([recordIntent(valid.value)], meta, true);
    }
  });

  it('given an open conflict and one of its sides, then a conflict.resolved is recorded in the facts stream', async () => {
    const result = await resolve(conflictId, first.id);
    expect(result).toMatchObject({
      status: 'created',
      event: {
        type: 'conflict.resolved',
        streamId: 'org:openai',
        data: { conflictId, standingEventId: first.id, otherEventId: second.id, reason: 'the filing says 5 billion' },
      },
    });
  });

  it('given the same Idempotency-Key and request again, then a duplicate; other content with it, then EVENT.ID_CONFLICT', async () => {
    const key = randomUUID();
    expect(await resolve(conflictId, first.id, key)).toMatchObject({ status: 'created', event: { eventId: key } });
    expect(await resolve(conflictId, first.id, key)).toMatchObject({ status: 'duplicate', event: { eventId: key } });
    expect(await resolve(conflictId, second.id, key)).toMatchObject({
      status: 'rejected',
      error: { status: 409, code: 'EVENT.ID_CONFLICT' },
    });
    expect(store.events).toHaveLength(3);
  });

  it('given an unknown conflict, then CONFLICT.NOT_FOUND (404) and nothing recorded', async () => {
    expect(await resolve(randomUUID(), first.id)).toMatchObject({
      status: 'rejected',
      error: { status: 404, code: 'CONFLICT.NOT_FOUND', errors: [{ path: 'id' }] },
    });
    expect(store.events).toHaveLength(2);
  });

  it('given an unknown standing event, then EVENT.NOT_FOUND on standingEventId', async () => {
    await expect(resolve(conflictId, randomUUID())).rejects.toMatchObject({
      code: 'EVENT.NOT_FOUND',
      errors: [{ path: 'standingEventId' }],
    });
  });

  it('given one side retracted, then the conflict is gone: CONFLICT.NOT_FOUND', async () => {
    const retraction = validateRetractionRequest({ reason: 'withdrawn' });
    if (!retraction.ok) throw new Error('bad fixture');
    await new RetractEventHandler(store, writer).execute(new RetractEventCommand(second.id, retraction.value, meta));
    expect(await resolve(conflictId, first.id)).toMatchObject({ status: 'rejected', error: { status: 404, code: 'CONFLICT.NOT_FOUND' } });
  });
});
