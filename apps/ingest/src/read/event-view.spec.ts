import { StoredEvent } from '@newsroom/event-store';
import { foldStoredStream, toEventDetail, toEventView } from './event-view.mapper';

const SUBJECT = 'person:mira-murati';
let position = 0;
function stored(eventId: string, type: string, data: unknown, overrides: Partial<StoredEvent> = {}): StoredEvent {
  position++;
  return {
    globalPosition: String(position),
    eventId,
    streamId: SUBJECT,
    streamVersion: position,
    type,
    schemaVersion: 1,
    occurredAt: type.startsWith('event.') ? null : '2024-09',
    occurredStart: null,
    occurredEnd: null,
    recordedAt: new Date(Date.UTC(2024, 9, position)).toISOString(),
    data,
    sources: type.startsWith('event.') ? [] : [{ outlet: 'Example', language: 'fr' }],
    modality: 'reported',
    metadata: { correlationId: `c-${position}`, causationId: null, actor: 'test' },
    contentHash: 'h',
    ...overrides,
  };
}

const DEPARTED = { organization: 'org:openai', role: 'Chief Technology Officer', roleCategory: 'c-suite', reason: 'resigned' };
const ID = (n: number) => `00000000-0000-7000-8000-00000000000${n}`;

describe('event detail, derived from the stream by the domain fold', () => {
  beforeEach(() => (position = 0));

  it('given a corrected event, when described, then status is corrected, current shows the patch and history the correction', () => {
    const stream = [
      stored(ID(1), 'executive.departed', DEPARTED),
      stored(ID(2), 'event.corrected', {
        targetEventId: ID(1),
        changes: { occurredAt: '2024-09-25', data: { reason: 'unknown' } },
        reason: 'The date is known',
      }),
    ];
    const detail = toEventDetail(ID(1), stream, foldStoredStream(SUBJECT, stream))!;
    expect(detail).toMatchObject({
      id: ID(1),
      status: 'corrected',
      occurredAt: '2024-09',
      data: DEPARTED,
      streamVersion: 1,
      globalPosition: '1',
    });
    expect(detail.current).toEqual({ occurredAt: '2024-09-25', data: { ...DEPARTED, reason: 'unknown' }, inferred: [] });
    expect(detail.history).toEqual([
      {
        id: ID(2),
        type: 'event.corrected',
        recordedAt: stream[1].recordedAt,
        globalPosition: '2',
        reason: 'The date is known',
        changes: { occurredAt: '2024-09-25', data: { reason: 'unknown' } },
      },
    ]);
  });

  it('given corrections that change the inferred list, when described, then current has the latest list given and history each change', () => {
    const recorded = [{ path: 'occurredAt', note: 'month from other reporting' }];
    const later = [{ path: 'data.reason', note: 'the reason is the desk’s reading' }];
    const stream = [
      stored(ID(1), 'executive.departed', DEPARTED, {
        metadata: { correlationId: 'c', causationId: null, actor: 't', inferred: recorded },
      }),
      stored(ID(2), 'event.corrected', {
        targetEventId: ID(1),
        changes: { occurredAt: '2024-09-25', inferred: later },
        reason: 'day stated',
      }),
      stored(ID(3), 'event.corrected', { targetEventId: ID(1), changes: { data: { role: 'CTO' } }, reason: 'short title' }),
    ];
    const detail = toEventDetail(ID(1), stream, foldStoredStream(SUBJECT, stream))!;
    expect(detail.inferred).toEqual(recorded);
    expect(detail.current.inferred).toEqual(later);
    expect(detail.history.map((h) => h.changes?.inferred)).toEqual([later, undefined]);
  });

  it('given a corrected then retracted event, when described, then status is retracted and the history lists both in order', () => {
    const stream = [
      stored(ID(1), 'executive.departed', DEPARTED),
      stored(ID(2), 'event.corrected', { targetEventId: ID(1), changes: { occurredAt: '2024-10' }, reason: 'r1' }),
      stored(ID(3), 'event.retracted', { targetEventId: ID(1), reason: 'Hoax' }),
    ];
    const detail = toEventDetail(ID(1), stream, foldStoredStream(SUBJECT, stream))!;
    expect(detail.status).toBe('retracted');
    expect(detail.history.map((h) => [h.type, h.reason])).toEqual([
      ['event.corrected', 'r1'],
      ['event.retracted', 'Hoax'],
    ]);
    expect(detail.history[1]).not.toHaveProperty('changes');
  });

  it('given an event stored as schema v0, when viewed, then it is upcast to the current shape', () => {
    const old = stored(ID(1), 'executive.departed', { organization: 'OpenAI', role: 'Chief Technology Officer' }, { schemaVersion: 0 });
    const view = toEventView(old);
    expect(view.schemaVersion).toBe(1);
    expect(view.data).toEqual({ organization: 'org:openai', role: 'Chief Technology Officer', roleCategory: 'c-suite', reason: 'unknown' });
  });

  it('given an id that is not in the stream, when described, then there is no detail', () => {
    const stream = [stored(ID(1), 'executive.departed', DEPARTED)];
    expect(toEventDetail(ID(9), stream, foldStoredStream(SUBJECT, stream))).toBeNull();
  });
});
