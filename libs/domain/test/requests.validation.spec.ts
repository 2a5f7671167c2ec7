import {
  storyToSubmissions,
  validateCorrectionRequest,
  validateRetractionRequest,
  validateStoryRequest,
  validateSubmission,
} from '@newsroom/domain';
import { SOURCE, envelope } from './fixtures/submissions.fixture';

const pathsOf = (result: { ok: boolean; errors?: { path: string }[] }) => (result.ok ? [] : result.errors!.map((e) => e.path));

describe('correction request', () => {
  it.each([
    ['a data patch', { changes: { data: { reason: 'fired' } }, reason: 'The source misread the statement' }],
    ['a new occurredAt', { changes: { occurredAt: '2024-09-26' }, reason: 'Wrong day' }],
    ['both and sources', { changes: { occurredAt: '2024-09', data: { role: 'CTO' } }, reason: 'x', sources: [SOURCE] }],
    ['a new inferred list alone', { changes: { inferred: [{ path: 'occurredAt', note: 'date from the company' }] }, reason: 'x' }],
    ['an emptied inferred list', { changes: { inferred: [] }, reason: 'The outlet now states the date' }],
  ])('given %s, when validated, then it is accepted', (_what, body) => {
    expect(validateCorrectionRequest(body)).toEqual({ ok: true, value: body });
  });

  it.each([
    ['empty changes', { changes: {}, reason: 'x' }, ['changes']],
    ['an empty data patch only', { changes: { data: {} }, reason: 'x' }, ['changes']],
    ['no changes', { reason: 'x' }, ['changes']],
    ['no reason', { changes: { occurredAt: '2024' } }, ['reason']],
    ['a bad occurredAt', { changes: { occurredAt: '2024-02-30' }, reason: 'x' }, ['changes.occurredAt']],
    ['an unknown change alone', { changes: { modality: 'denied' }, reason: 'x' }, ['changes.modality', 'changes']],
    ['data that is not an object', { changes: { data: 'x' }, reason: 'x' }, ['changes.data']],
    ['an unknown top-level field', { changes: { occurredAt: '2024' }, reason: 'x', by: 'me' }, ['by']],
    ['empty sources', { changes: { occurredAt: '2024' }, reason: 'x', sources: [] }, ['sources']],
    ['an inferred item without a note', { changes: { inferred: [{ path: 'occurredAt' }] }, reason: 'x' }, ['changes.inferred[0].note']],
    [
      'an inferred path off the event',
      { changes: { inferred: [{ path: 'subject', note: 'n' }] }, reason: 'x' },
      ['changes.inferred[0].path'],
    ],
  ])('given %s, when validated, then the errors are at the expected paths', (_what, body, paths) => {
    expect(pathsOf(validateCorrectionRequest(body))).toEqual(paths);
  });
});

describe('retraction request', () => {
  it('given a reason, when validated, then it is accepted', () => {
    expect(validateRetractionRequest({ reason: 'The story was a hoax' })).toEqual({ ok: true, value: { reason: 'The story was a hoax' } });
  });

  it.each([
    ['no reason', {}, ['reason']],
    ['a blank reason', { reason: ' ' }, ['reason']],
    ['a reason over 2000 characters', { reason: 'x'.repeat(2001) }, ['reason']],
    ['an extra field', { reason: 'x', force: true }, ['force']],
    ['a body that is not an object', 'x', ['']],
  ])('given %s, when validated, then the errors are at the expected paths', (_what, body, paths) => {
    expect(pathsOf(validateRetractionRequest(body))).toEqual(paths);
  });
});

describe('story request', () => {
  const story = {
    outlet: 'Example Daily',
    url: 'https://example.org/a',
    title: 'La transformation commerciale',
    language: 'fr',
    publishedAt: '2024-10-02',
  };
  const withoutSources = (e: Record<string, unknown>) => {
    delete e.sources;
    return e;
  };

  it('given events without sources, when validated and expanded, then the story is each event source', () => {
    const body = { story, events: [withoutSources(envelope('executive.departed')), envelope('revenue.target_set')] };
    const result = validateStoryRequest(body);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const submissions = storyToSubmissions(result.value);
    expect(submissions[0].sources).toEqual([story]);
    expect(submissions[1].sources).toEqual([story, SOURCE]);
    expect(submissions.map((s) => s.modality)).toEqual(['reported', 'reported']);
  });

  it("given events with quotes, when expanded, then each quote is in that event's copy of the story source only", () => {
    const quoted = { ...withoutSources(envelope('executive.departed')), quote: 'le départ soudain de la directrice technique' };
    const plain = withoutSources(envelope('headcount.reported'));
    const result = validateStoryRequest({ story, events: [quoted, plain] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [first, second] = storyToSubmissions(result.value);
    expect(first.sources).toEqual([{ ...story, quote: 'le départ soudain de la directrice technique' }]);
    expect(first).not.toHaveProperty('quote');
    expect(second.sources).toEqual([story]);
  });

  it('given a quote on a plain submission, when validated, then it is an unknown field (quotes live in sources)', () => {
    expect(pathsOf(validateSubmission({ ...envelope('executive.departed'), quote: 'x' }))).toEqual(['quote']);
  });

  it('given 1000 events, when validated, then the story is accepted (the cap matches batches)', () => {
    const events = Array.from({ length: 1000 }, () => envelope('executive.departed'));
    expect(validateStoryRequest({ story, events }).ok).toBe(true);
  });

  it.each([
    ['no events', { story, events: [] }, ['events']],
    ['a story without title', { story: { ...story, title: undefined }, events: [envelope('executive.departed')] }, ['story.title']],
    [
      'a story without publishedAt',
      { story: { ...story, publishedAt: undefined }, events: [envelope('executive.departed')] },
      ['story.publishedAt'],
    ],
    [
      'a story with a bad language',
      { story: { ...story, language: 'french' }, events: [envelope('executive.departed')] },
      ['story.language'],
    ],
    ['an unknown story field', { story: { ...story, author: 'x' }, events: [envelope('executive.departed')] }, ['story.author']],
    ['no story', { events: [envelope('executive.departed')] }, ['story']],
    [
      'a bad event in second place',
      { story, events: [envelope('executive.departed'), envelope('revenue.target_set', { subject: 'person:sam-altman' })] },
      ['events[1].subject'],
    ],
    [
      'a float amount in an event',
      {
        story,
        events: [envelope('revenue.reported', { data: { money: { amount: 1, currency: 'USD' }, period: '2024', basis: 'actual' } })],
      },
      ['events[0].data.money.amount'],
    ],
    ['over 1000 events', { story, events: Array.from({ length: 1001 }, () => envelope('executive.departed')) }, ['events']],
    ['a blank quote', { story, events: [{ ...envelope('executive.departed'), quote: ' ' }] }, ['events[0].quote']],
    [
      'a quote over 2000 characters',
      { story, events: [{ ...envelope('executive.departed'), quote: 'x'.repeat(2001) }] },
      ['events[0].quote'],
    ],
  ])('given %s, when validated, then the errors are at the expected paths', (_what, body, paths) => {
    expect(pathsOf(validateStoryRequest(body))).toEqual(paths);
  });
});
