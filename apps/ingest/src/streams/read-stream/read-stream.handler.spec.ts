import { validateSubmission } from '@newsroom/domain';
import { headcountEnvelope, InMemoryEventStore } from '@newsroom/testing';
import { EventWriter } from '../../events/shared/event-writer.service';
import { recordIntent } from '../../events/shared/intents.mapper';
import { ReadStreamHandler } from './read-stream.handler';
import { ReadStreamQuery } from './read-stream.query';

const meta = { correlationId: 'corr-1', causationId: null, actor: 'test' };

describe('ReadStreamHandler on an in-memory store', () => {
  it('given no event for a subject, then null', async () => {
    expect(await new ReadStreamHandler(new InMemoryEventStore()).execute(new ReadStreamQuery('org:nobody', 1, 10))).toBeNull();
  });

  it('given a stream of 5, then pages of 2 follow each other to the end', async () => {
    const store = new InMemoryEventStore();
    const subject = 'org:paged';
    const submissions = [1, 2, 3, 4, 5].map((n) => {
      const v = validateSubmission(headcountEnvelope(n, { subject }));
      if (!v.ok) throw new Error('bad fixture');
      return v.value;
    });
    await new EventWriter(store).write(
      submissions.map((s) => recordIntent(s)),
      meta,
      true,
    );
    const handler = new ReadStreamHandler(store);
    const first = await handler.execute(new ReadStreamQuery(subject, 1, 2));
    expect(first).toMatchObject({ subject, version: 5, next: 3 });
    expect(first?.events.map((e) => e.streamVersion)).toEqual([1, 2]);
    const last = await handler.execute(new ReadStreamQuery(subject, 5, 2));
    expect(last).toMatchObject({ next: null, events: [{ streamVersion: 5, status: 'current', data: { total: 5 } }] });
  });
});
