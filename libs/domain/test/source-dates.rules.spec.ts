import { decideCorrection, decideRecord, decideSourcing, type Submission } from '@newsroom/domain';
import { given, submission, thrown } from './fixtures/decider.fixture';
import { eventId, type EventSpec } from './fixtures/stream.fixture';
import { envelope, SOURCE } from './fixtures/submissions.fixture';

const MIRA = 'person:mira-murati';
const departed = (): EventSpec => ['executive.departed', envelope('executive.departed').data, '2024-09-25'];
/** Recorded at 2024-10-02 at noon, UTC. */
const AT = new Date('2024-10-02T12:00:00Z');
const publishedOn = (publishedAt: string) => ({ ...SOURCE, publishedAt });
const departure = (...publishedAt: string[]): Submission => submission({ sources: publishedAt.map(publishedOn) }, 'executive.departed');

describe('a source published after it is recorded', () => {
  it('given a source dated the next month, when recorded, then 400 on its publishedAt, naming the instant', () => {
    const error = thrown(() => decideRecord(given(MIRA), departure('2024-10-01', '2024-11'), AT));
    expect(error).toMatchObject({
      code: 'VALIDATION.FAILED',
      kind: 'validation',
      errors: [{ path: 'sources[1].publishedAt', message: expect.stringContaining('2024-10-02T12:00:00.000Z') }],
    });
  });

  it.each([
    ['the day it is recorded', '2024-10-02'],
    ['the next day (a time zone ahead)', '2024-10-03'],
    ['a month begun', '2024-10'],
    ['a year begun', '2024'],
    ['a day past', '2024-09-25'],
  ])('given a source dated %s, when recorded, then it is accepted', (_what, publishedAt) => {
    expect(decideRecord(given(MIRA), departure(publishedAt), AT).type).toBe('executive.departed');
  });

  it('given a source dated more than a day ahead, when recorded, then it is refused', () => {
    expect(thrown(() => decideRecord(given(MIRA), departure('2024-10-03T12:00:01Z'), AT)).errors).toEqual([
      { path: 'sources[0].publishedAt', message: expect.stringContaining('not published in the future') },
    ]);
  });

  it('given a correction adding a source dated next year, when decided, then 400 on its publishedAt', () => {
    const req = { changes: { data: { reason: 'fired' } }, reason: 'x', sources: [publishedOn('2025')] };
    const error = thrown(() => decideCorrection(given(MIRA, departed()), eventId(1), req, AT));
    expect(error).toMatchObject({ code: 'VALIDATION.FAILED', errors: [{ path: 'sources[0].publishedAt' }] });
    expect(decideCorrection(given(MIRA, departed()), eventId(1), { ...req, sources: [publishedOn('2024-10')] }, AT).type).toBe(
      'event.corrected',
    );
  });

  it('given a source attached with a date next year, when decided, then 400 on source.publishedAt', () => {
    const req = { source: publishedOn('2025-01-15'), stance: 'confirms' as const };
    const error = thrown(() => decideSourcing(given(MIRA, departed()), eventId(1), req, AT));
    expect(error).toMatchObject({ code: 'VALIDATION.FAILED', errors: [{ path: 'source.publishedAt' }] });
  });
});
