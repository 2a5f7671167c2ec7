import { randomUUID } from 'node:crypto';
import { StoryRequest, validateStoryRequest } from '@newsroom/domain';
import { departedEnvelope, InMemoryEventStore } from '@newsroom/testing';
import { EventWriter } from '../shared/event-writer.service';
import { RequestMeta } from '../shared/write.types';
import { RecordStoryCommand } from './record-story.command';
import { RecordStoryHandler } from './record-story.handler';

const meta: RequestMeta = { correlationId: 'corr-1', causationId: null, actor: 'test' };
const story = { outlet: 'Example Daily', title: 'Une histoire', language: 'fr', publishedAt: '2024-12' };
const storyEvent = (overrides: Record<string, unknown> = {}) => ({
  ...departedEnvelope(overrides),
  sources: undefined,
  quote: 'le départ soudain',
});
const unfiledCaseEvent = () => ({
  id: randomUUID(),
  type: 'lawsuit.status_changed',
  subject: `case:none-${randomUUID().slice(0, 6)}`,
  occurredAt: '2024-08',
  data: { status: 'dismissed' },
});

function storyRequest(events: unknown[]): StoryRequest {
  const valid = validateStoryRequest({ story, events });
  if (!valid.ok) throw new Error(JSON.stringify(valid.errors));
  return valid.value;
}

describe('RecordStoryHandler on an in-memory store', () => {
  let store: InMemoryEventStore;
  let handler: RecordStoryHandler;
  const record = (request: StoryRequest) => handler.execute(new RecordStoryCommand(request, meta));

  beforeEach(() => {
    store = new InMemoryEventStore();
    handler = new RecordStoryHandler(new EventWriter(store));
  });

  it('given a story, then every event is recorded with the story (and its quote) as first source', async () => {
    const request = storyRequest([storyEvent(), storyEvent()]);
    const result = await record(request);
    expect(result).toMatchObject({
      status: 'recorded',
      created: true,
      body: {
        story,
        results: [
          { index: 0, status: 'created' },
          { index: 1, status: 'created' },
        ],
      },
    });
    expect(store.events).toHaveLength(2);
    expect(store.events[0].sources[0]).toEqual({ ...story, quote: 'le départ soudain' });
  });

  it("given a story published after the writer's clock, then nothing is recorded and story.publishedAt is named once", async () => {
    const early = new RecordStoryHandler(new EventWriter(store, undefined, undefined, undefined, () => new Date('2024-11-15T00:00:00Z')));
    const own = { outlet: 'Herald', language: 'en', publishedAt: '2025' };
    const result = await early.execute(new RecordStoryCommand(storyRequest([storyEvent(), { ...storyEvent(), sources: [own] }]), meta));
    expect(result).toMatchObject({
      status: 'rejected',
      rejection: {
        status: 400,
        code: 'VALIDATION.FAILED',
        errors: [
          { path: 'story.publishedAt', message: expect.stringContaining('2024-11-15T00:00:00.000Z') },
          { path: 'events[1].sources[0].publishedAt', message: expect.stringContaining('in the future') },
        ],
      },
    });
    expect(store.events).toHaveLength(0);
  });

  it('given one event that breaks a rule, then nothing of the story is recorded and the rejection names that event', async () => {
    const result = await record(storyRequest([storyEvent(), unfiledCaseEvent()]));
    expect(result).toMatchObject({
      status: 'rejected',
      rejection: {
        status: 422,
        code: 'CASE.NOT_FILED',
        errors: [expect.objectContaining({ path: expect.stringMatching(/^events\[1\]/) })],
      },
    });
    if (result.status === 'rejected') expect(result.rejection.message).toMatch(/^No event of the story was recorded: /);
    expect(store.events).toHaveLength(0);
    expect(store.appendCalls).toBe(0);
  });

  it('given one event whose id was used for other content, then nothing is recorded (409)', async () => {
    const taken = storyEvent();
    await record(storyRequest([taken]));
    const result = await record(storyRequest([storyEvent(), { ...taken, occurredAt: '2024-10' }]));
    expect(result).toMatchObject({
      status: 'rejected',
      rejection: { status: 409, code: 'EVENT.ID_CONFLICT', errors: [expect.objectContaining({ path: 'events[1].id' })] },
    });
    expect(store.events).toHaveLength(1);
  });

  it("given an Idempotency-Key used for other content at an id-less event, then the 409 names that event's id field, not the header inside a body path", async () => {
    const key = randomUUID();
    const idless = () => {
      const { id: _id, ...e } = storyEvent();
      return e;
    };
    const [first, second] = [idless(), idless()];
    await handler.execute(new RecordStoryCommand(storyRequest([first, second]), meta, key));
    const result = await handler.execute(new RecordStoryCommand(storyRequest([first, { ...second, occurredAt: '2024-10' }]), meta, key));
    expect(result).toMatchObject({
      status: 'rejected',
      rejection: {
        status: 409,
        code: 'EVENT.ID_CONFLICT',
        message: `No event of the story was recorded: Idempotency-Key ${key} at events[1] was already used for different content`,
        errors: [
          {
            path: 'events[1].id',
            message:
              'has none: the id the Idempotency-Key gives it at this place was already used for different content (give the event its own id, or send another key)',
          },
        ],
      },
    });
    expect(store.events).toHaveLength(2);
  });

  it('given the same story twice, then the second is all duplicates (created false) and records nothing', async () => {
    const request = storyRequest([storyEvent(), storyEvent()]);
    const first = await record(request);
    const second = await record(request);
    expect(second).toMatchObject({
      status: 'recorded',
      created: false,
      body: { results: [{ status: 'duplicate' }, { status: 'duplicate' }] },
    });
    if (first.status === 'recorded' && second.status === 'recorded') {
      expect(second.body.results.map((r) => ('id' in r ? r.id : null))).toEqual(first.body.results.map((r) => ('id' in r ? r.id : null)));
    }
    expect(store.events).toHaveLength(2);
  });

  it('given a concurrent append to one of its streams, then the story is re-decided and recorded after it, whole', async () => {
    const subject = `person:race-${randomUUID().slice(0, 8)}`;
    // Another ingest instance (a writer of its own: one instance takes turns per subject, so never races itself).
    const other = new RecordStoryHandler(new EventWriter(store));
    store.beforeAppend = async () => {
      store.beforeAppend = null;
      await other.execute(
        new RecordStoryCommand(
          storyRequest([
            storyEvent({ subject, data: { organization: 'org:other', role: 'CEO', roleCategory: 'c-suite', reason: 'resigned' } }),
          ]),
          meta,
        ),
      );
    };
    const result = await record(storyRequest([storyEvent({ subject }), storyEvent()]));
    expect(result).toMatchObject({
      status: 'recorded',
      created: true,
      body: {
        results: [
          { status: 'created', streamVersion: 2 },
          { status: 'created', streamVersion: 1 },
        ],
      },
    });
    expect(store.events).toHaveLength(3);
  });
});
