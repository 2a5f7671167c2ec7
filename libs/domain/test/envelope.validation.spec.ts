import { validateSubmission } from '@newsroom/domain';
import { SOURCE, envelope } from './fixtures/submissions.fixture';

function errorsOf(input: unknown) {
  const result = validateSubmission(input);
  return result.ok ? [] : result.errors;
}
const pathsOf = (input: unknown) => errorsOf(input).map((e) => e.path);

describe('submission envelope', () => {
  it('given the PRODUCT.md example, when validated, then the value keeps every field', () => {
    const input = envelope('executive.departed', {
      id: '0193b7f0-0000-7000-8000-000000000001',
      modality: 'confirmed',
      expectedVersion: 2,
    });
    const result = validateSubmission(input);
    expect(result).toEqual({ ok: true, value: input });
  });

  it.each([
    ['a body that is an array', []],
    ['a body that is a string', 'hello'],
    ['a null body', null],
  ])('given %s, when validated, then the error is on the body itself', (_what, body) => {
    expect(errorsOf(body)).toEqual([{ path: '', message: 'must be a JSON object' }]);
  });

  it.each([
    ['an unknown top-level field', { extra: true }, 'extra'],
    ['an id that is not a UUID', { id: 'abc' }, 'id'],
    ['a bad modality', { modality: 'alleged' }, 'modality'],
    ['a negative expectedVersion', { expectedVersion: -1 }, 'expectedVersion'],
    ['a fractional expectedVersion', { expectedVersion: 1.5 }, 'expectedVersion'],
    ['a malformed subject', { subject: 'Person:Mira' }, 'subject'],
    ['a slug over 80 characters', { subject: `person:${'a'.repeat(81)}` }, 'subject'],
    ['an unknown subject kind', { subject: 'team:openai' }, 'subject'],
    ['an impossible date', { occurredAt: '2024-02-30' }, 'occurredAt'],
    ['month 13', { occurredAt: '2024-13' }, 'occurredAt'],
    ['a date as a number', { occurredAt: 2024 }, 'occurredAt'],
    ['no sources', { sources: [] }, 'sources'],
    ['sources not an array', { sources: SOURCE }, 'sources'],
  ])('given %s, when validated, then the error path is exact', (_what, overrides, path) => {
    expect(pathsOf(envelope('executive.departed', overrides))).toEqual([path]);
  });

  it('given a missing occurredAt, when validated, then it is required', () => {
    const input = envelope('executive.departed');
    delete input.occurredAt;
    expect(errorsOf(input)).toEqual([{ path: 'occurredAt', message: 'required' }]);
  });

  it.each(['0193b7f0-0000-7000-8000-000000000001', '123e4567-e89b-12d3-a456-426614174000', 'f47ac10b-58cc-4372-a567-0e02b2c3d479'])(
    'given the UUID %s (any version), when validated, then it is accepted',
    (id) => {
      expect(validateSubmission(envelope('executive.departed', { id })).ok).toBe(true);
    },
  );

  describe('types', () => {
    it('given no type, when validated, then type is required', () => {
      const input = envelope('executive.departed');
      delete input.type;
      expect(errorsOf(input)).toEqual([{ path: 'type', message: 'required' }]);
    });

    it('given an empty body, then type and every other field an envelope needs are each required, at their paths (t27: only type was)', () => {
      expect(errorsOf({})).toEqual([
        { path: 'type', message: 'required' },
        { path: 'subject', message: 'required' },
        { path: 'occurredAt', message: 'required' },
        { path: 'data', message: 'required' },
        { path: 'sources', message: 'required' },
      ]);
    });

    it('given an unknown type and some fields, then the type is refused and the fields left out are required; the fields given are not judged', () => {
      expect(errorsOf({ type: 'executive.promoted', subject: 'person:x', data: {} })).toEqual([
        { path: 'type', message: expect.stringContaining('executive.appointed') },
        { path: 'occurredAt', message: 'required' },
        { path: 'sources', message: 'required' },
      ]);
    });

    it('given a type made by another endpoint, then only the type is refused: that endpoint takes another body', () => {
      expect(errorsOf({ type: 'event.corrected' })).toEqual([
        { path: 'type', message: 'event.corrected is made only by the corrections and retractions endpoints' },
      ]);
    });

    it('given an unknown type, when validated, then the message lists the recordable types', () => {
      expect(errorsOf(envelope('executive.departed', { type: 'executive.promoted' }))).toEqual([
        { path: 'type', message: expect.stringContaining('executive.appointed') },
      ]);
    });

    it.each(['event.corrected', 'event.retracted'])('given %s, when submitted as an envelope, then it is refused', (type) => {
      expect(errorsOf(envelope('executive.departed', { type }))).toEqual([
        { path: 'type', message: `${type} is made only by the corrections and retractions endpoints` },
      ]);
    });
  });

  describe('sources', () => {
    const withSource = (source: Record<string, unknown>) => envelope('executive.departed', { sources: [{ ...SOURCE, ...source }] });

    it('given a source with only outlet and language, when validated, then it is accepted', () => {
      expect(validateSubmission(envelope('executive.departed', { sources: [{ outlet: 'AFP', language: 'en-US' }] })).ok).toBe(true);
    });

    it.each([
      ['an empty outlet', { outlet: '' }, 'sources[0].outlet'],
      ['an outlet over 200 characters', { outlet: 'x'.repeat(201) }, 'sources[0].outlet'],
      ['an ftp URL', { url: 'ftp://example.org/a' }, 'sources[0].url'],
      ['a URL that is not one', { url: 'example' }, 'sources[0].url'],
      ['a URL over 2048 characters', { url: `https://example.org/${'a'.repeat(2048)}` }, 'sources[0].url'],
      ['a title over 500 characters', { title: 'x'.repeat(501) }, 'sources[0].title'],
      ['an invalid language', { language: 'en_US' }, 'sources[0].language'],
      ['a language word', { language: 'english' }, 'sources[0].language'],
      ['a missing language', { language: undefined }, 'sources[0].language'],
      ['a bad publishedAt', { publishedAt: '2024-02-31' }, 'sources[0].publishedAt'],
      ['a quote over 2000 characters', { quote: 'x'.repeat(2001) }, 'sources[0].quote'],
      ['an unknown source field', { author: 'someone' }, 'sources[0].author'],
    ])('given %s, when validated, then the error path is exact', (_what, source, path) => {
      expect(pathsOf(withSource(source))).toEqual([path]);
    });

    it('given more than 100 sources, when validated, then sources is rejected', () => {
      const sources = Array.from({ length: 101 }, () => SOURCE);
      expect(pathsOf(envelope('executive.departed', { sources }))).toEqual(['sources']);
    });

    it('given an error in the second source, when validated, then the path indexes it', () => {
      const sources = [SOURCE, { ...SOURCE, language: '12' }];
      expect(pathsOf(envelope('executive.departed', { sources }))).toEqual(['sources[1].language']);
    });
  });

  it('given several problems, when validated, then each is reported once with its path', () => {
    const input = envelope('revenue.reported', { id: 'x', modality: 'maybe', bogus: 1 });
    input.data.money.amount = 1.5;
    expect(pathsOf(input).sort()).toEqual(['bogus', 'data.money.amount', 'id', 'modality']);
  });
});
