import {
  isStorableText,
  unstorableTextErrors,
  validateCorrectionRequest,
  validateRetractionRequest,
  validateStoryRequest,
  validateSubmission,
} from '@newsroom/domain';
import { SOURCE, envelope } from './fixtures/submissions.fixture';

// Postgres refuses these in text and jsonb: NUL ("\u0000 cannot be converted to text") and unpaired surrogates.
const NUL = 'a\u0000b';
const HIGH = 'a\ud800b';
const LOW = '\udc00';

const pathsOf = (result: { ok: boolean; errors?: { path: string }[] }) => (result.ok ? [] : result.errors!.map((e) => e.path));

describe('text Postgres cannot store', () => {
  it.each([
    ['plain text', 'Chief Technology Officer', true],
    ['accents and a paired surrogate (emoji)', 'départ 😀', true],
    ['the empty string', '', true],
    ['NUL', NUL, false],
    ['a lone high surrogate', HIGH, false],
    ['a lone low surrogate', LOW, false],
    ['a high surrogate at the end', 'x\ud83d', false],
  ])('given %s, then isStorableText says so', (_what, s, ok) => {
    expect(isStorableText(s)).toBe(ok);
  });

  it('given a nested input, when walked once, then every bad value and key is named by its path', () => {
    expect(unstorableTextErrors({ a: [{ b: NUL }, 'ok', LOW], ['k\u0000']: 1, c: { d: HIGH } }).map((e) => e.path)).toEqual([
      'a[0].b',
      'a[2]',
      'k\\u0000',
      'c.d',
    ]);
  });

  it('given a hostile input with many bad strings, then the errors are bounded', () => {
    expect(unstorableTextErrors(Array.from({ length: 1000 }, () => NUL)).length).toBeLessThanOrEqual(20);
  });
});

describe('every request refuses unstorable text with the field path', () => {
  const departed = envelope('executive.departed');

  it.each([
    ['data', { ...departed, data: { ...departed.data, role: NUL } }, 'data.role'],
    [
      'an array item in data',
      { ...envelope('executive.appointed'), data: { ...envelope('executive.appointed').data, previously: ['ok', HIGH] } },
      'data.previously[1]',
    ],
    ['a source', { ...departed, sources: [{ ...SOURCE, quote: LOW }] }, 'sources[0].quote'],
    ['the subject', { ...departed, subject: 'person:mira\u0000' }, 'subject'],
    ['the type', { ...departed, type: 'executive.departed\u0000' }, 'type'],
    ['a key in data', { ...departed, data: { ...departed.data, ['x\ud800']: 1 } }, 'data.x\\ud800'],
  ])('given a submission with it in %s, then it is invalid at that path', (_what, body, path) => {
    expect(pathsOf(validateSubmission(body))).toContain(path);
  });

  it('given a story whose 513th event has NUL in its data, then the error names events[512].data.role', () => {
    const events: Record<string, unknown>[] = Array.from({ length: 600 }, () => ({ ...departed, sources: undefined }));
    events[512] = { ...departed, sources: undefined, data: { ...departed.data, role: NUL } };
    const body = { story: { outlet: 'Le Monde', title: 'OpenAI', language: 'fr', publishedAt: '2024-10-02' }, events };
    expect(pathsOf(validateStoryRequest(body))).toEqual(['events[512].data.role']);
  });

  it('given a story title with a lone surrogate, then story.title is invalid', () => {
    const body = {
      story: { outlet: 'Le Monde', title: HIGH, language: 'fr', publishedAt: '2024-10-02' },
      events: [{ ...departed, sources: undefined }],
    };
    expect(pathsOf(validateStoryRequest(body))).toEqual(['story.title']);
  });

  it('given corrections and retractions with it, then the paths are named', () => {
    expect(pathsOf(validateCorrectionRequest({ changes: { data: { reason: NUL } }, reason: 'x' }))).toEqual(['changes.data.reason']);
    expect(pathsOf(validateCorrectionRequest({ changes: { occurredAt: '2024' }, reason: HIGH }))).toEqual(['reason']);
    expect(pathsOf(validateRetractionRequest({ reason: `hoax${LOW}` }))).toEqual(['reason']);
  });
});

describe('input nested deeper than any event', () => {
  const nest = (n: number, leaf: unknown = 1) => {
    let v: unknown = leaf;
    for (let i = 0; i < n; i++) v = { a: v };
    return v;
  };

  // Found by tests/e2e/fuzz-write: 20 000 levels overflowed the recursive walk, a 500 instead of a 400.
  it('is refused at the first too-deep path, without overflowing the stack, on every request kind', () => {
    const deep = nest(50_000);
    expect(() => unstorableTextErrors(deep)).not.toThrow();
    const sub = validateSubmission({ ...envelope('executive.departed'), data: deep });
    expect(sub.ok).toBe(false);
    expect(!sub.ok && sub.errors[0]).toEqual({ path: `data${'.a'.repeat(31)}`, message: 'nested too deeply (at most 32 levels)' });
    expect(validateStoryRequest({ story: deep, events: [] }).ok).toBe(false);
    expect(validateCorrectionRequest({ changes: { data: deep }, reason: 'x' }).ok).toBe(false);
    expect(validateRetractionRequest({ reason: nest(10_000, []) }).ok).toBe(false);
  });

  it('leaves ordinary nesting alone', () => {
    expect(unstorableTextErrors(nest(31))).toEqual([]);
  });
});
