import { randomUUID } from 'node:crypto';
import { validateCorrectionRequest, validateSubmission } from '@newsroom/domain';
import { departedEnvelope, InMemoryEventStore } from '@newsroom/testing';
import { CorrectEventCommand } from '../correct-event/correct-event.command';
import { CorrectEventHandler } from '../correct-event/correct-event.handler';
import { EventWriter } from '../shared/event-writer.service';
import { recordIntent } from '../shared/intents.mapper';
import { GetEventQuery } from './get-event.query';
import { GetEventHandler } from './get-event.handler';

const meta = { correlationId: 'corr-1', causationId: null, actor: 'test' };

describe('GetEventHandler on an in-memory store', () => {
  it('given an unknown id, then null', async () => {
    expect(await new GetEventHandler(new InMemoryEventStore()).execute(new GetEventQuery(randomUUID()))).toBeNull();
  });

  it('given a corrected event, then its status, current data and history come from its stream', async () => {
    const store = new InMemoryEventStore();
    const writer = new EventWriter(store);
    const envelope = departedEnvelope();
    const valid = validateSubmission(envelope);
    const fix = validateCorrectionRequest({ changes: { data: { reason: 'unknown' } }, reason: 'misread' });
    if (!valid.ok || !fix.ok) throw new Error('bad fixture');
    await writer.write([recordIntent(valid.value)], meta, true);
    await new CorrectEventHandler(store, writer).execute(new CorrectEventCommand(envelope.id, fix.value, meta));
    const detail = await new GetEventHandler(store).execute(new GetEventQuery(envelope.id));
    expect(detail).toMatchObject({
      id: envelope.id,
      status: 'corrected',
      current: { data: { ...envelope.data, reason: 'unknown' } },
      history: [{ type: 'event.corrected', reason: 'misread' }],
    });
  });
});
