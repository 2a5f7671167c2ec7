import { openApiSchema, ProblemError } from '@newsroom/platform';
import { compileFilter, feedQueryParams, parseFeedQuery, parseStreamQuery } from './feed-query.reader';
import { atomFeedParams } from './atom/atom-feed.schema';
import { feedStreamParams } from './feed.schema';

const item = (type: string, subject: string, organizations: string[] = [], targetType: string | null = null) => ({
  type,
  subject,
  // As the projector keeps them: the stream subject first, then the organizations the item names.
  subjects: [...new Set([subject, ...organizations])],
  organizations,
  targetType,
});

describe('feed filters', () => {
  it('documents after and limit as text with a pattern that every value the service takes matches and no value it refuses matches (t27: string or number, bounds in words)', () => {
    const documented = (field: Parameters<typeof openApiSchema>[0]) => openApiSchema(field, 'input') as { type?: string; pattern?: string };
    const taken = (name: string, text: string) => {
      try {
        parseFeedQuery({ [name]: text }, [name]);
        return true;
      } catch {
        return false;
      }
    };
    const positions = [
      '0',
      '1',
      '01',
      '42',
      '0000000000000000001',
      '999999999999999999',
      '9223372036854775806',
      '9223372036854775807',
      '9223372036854775808',
      '9223372036854775810',
      '9223372036854775900',
      '9300000000000000000',
      '9999999999999999999',
      '12345678901234567890',
      '00000000000000000001',
      '-1',
      '+1',
      '1.5',
      '1e3',
      ' 1',
      '1 ',
      '0x10',
      '',
      'x',
      '٣',
    ];
    const limits = [
      '0',
      '1',
      '01',
      '0001',
      '00001',
      '9',
      '10',
      '099',
      '999',
      '0999',
      '1000',
      '01000',
      '1001',
      '9999',
      '10000',
      '-1',
      '+5',
      '1.5',
      '1e1',
      '0x10',
      ' 5',
      '',
      'x',
      '٣',
    ];
    const cases: [string, readonly string[], { type?: string; pattern?: string }[]][] = [
      ['after', positions, [documented(feedQueryParams.shape.after), documented(feedStreamParams.shape.after)]],
      ['limit', limits, [documented(feedQueryParams.shape.limit), documented(atomFeedParams.shape.limit)]],
    ];
    for (const [name, texts, schemas] of cases)
      for (const schema of schemas) {
        expect(schema.type).toBe('string');
        const pattern = new RegExp(schema.pattern!);
        for (const text of texts) expect({ name, text, matches: pattern.test(text) }).toEqual({ name, text, matches: taken(name, text) });
      }
    // Each digit of the largest position, one above it there: refused, and the pattern says so.
    const max = '9223372036854775807';
    const after = new RegExp(documented(feedQueryParams.shape.after).pattern!);
    for (let i = 0; i < max.length; i++) {
      if (max[i] === '9') continue;
      const above = max.slice(0, i) + String(Number(max[i]) + 1) + max.slice(i + 1);
      expect({ above, matches: after.test(above), taken: taken('after', above) }).toEqual({ above, matches: false, taken: false });
    }
  });

  it('given a type filter, then it takes events of those types and the corrections and retractions of such events, nothing else', () => {
    const matches = compileFilter(parseFeedQuery({ types: 'executive.departed' }));
    expect(matches(item('executive.departed', 'person:a'))).toBe(true);
    expect(matches(item('event.corrected', 'person:a', [], 'executive.departed'))).toBe(true);
    expect(matches(item('event.retracted', 'person:a', [], 'executive.departed'))).toBe(true);
    expect(matches(item('event.corrected', 'org:openai', [], 'headcount.reported'))).toBe(false);
    expect(matches(item('headcount.reported', 'org:openai'))).toBe(false);
  });

  it("given a subject filter, then a correction of that subject's event matches (it lives in the same stream)", () => {
    const matches = compileFilter(parseFeedQuery({ subjects: ['person:mira-murati', 'person:sam-altman'] }));
    expect(matches(item('executive.departed', 'person:mira-murati'))).toBe(true);
    expect(matches(item('event.corrected', 'person:mira-murati', [], 'executive.departed'))).toBe(true);
    expect(matches(item('executive.departed', 'person:someone-else'))).toBe(false);
  });

  it('given an organization filter, then items concerning it match, and all filters must hold together', () => {
    const matches = compileFilter(parseFeedQuery({ organization: 'org:openai', types: 'executive.departed,headcount.reported' }));
    expect(matches(item('executive.departed', 'person:a', ['org:openai']))).toBe(true);
    expect(matches(item('executive.departed', 'person:a', ['org:anthropic']))).toBe(false);
    expect(matches(item('lawsuit.filed', 'case:x', ['org:openai']))).toBe(false);
  });

  it('given a WebSocket subscribe message with arrays and a numeric after, then it parses like query parameters', () => {
    const q = parseFeedQuery({ after: 42, types: ['executive.departed'], subjects: ['person:a'], lang: 'fr' });
    expect(q).toMatchObject({ after: '42', types: ['executive.departed'], subjects: ['person:a'], lang: 'fr', organization: null });
  });

  it('given bad fields, then one 400 problem names each of them, a position beyond bigint included', () => {
    try {
      parseFeedQuery({ after: '99999999999999999999', types: 'nope', subjects: 'bad subject', organization: 'person:x', lang: 'de' });
      throw new Error('expected a problem');
    } catch (error) {
      expect(error).toBeInstanceOf(ProblemError);
      const paths = (error as ProblemError).errors!.map((e) => e.path);
      expect(paths).toEqual(['after', 'types[0]', 'subjects[0]', 'organization', 'lang']);
    }
    expect(() => parseFeedQuery({ after: '9223372036854775808' })).toThrow(ProblemError);
    expect(parseFeedQuery({ after: '9223372036854775807' }).after).toBe('9223372036854775807');
  });

  it('given a filter of the wrong type (a number, an object, an array holding a non-string), then a 400 names it: never read as no filter', () => {
    const pathsOf = (raw: Record<string, unknown>) => {
      try {
        parseFeedQuery(raw);
      } catch (error) {
        return (error as ProblemError).errors!.map((e) => `${e.path}: ${e.message}`);
      }
      return 'accepted';
    };
    expect(pathsOf({ types: 42 })).toEqual(['types: must be a comma-separated string or an array of strings']);
    expect(pathsOf({ subjects: { 0: 'person:a' } })).toEqual(['subjects: must be a comma-separated string or an array of strings']);
    expect(pathsOf({ subjects: ['person:a', 7] })).toEqual(['subjects: must be a comma-separated string or an array of strings']);
    expect(pathsOf({ types: true, subjects: 'person:a' })).toEqual(['types: must be a comma-separated string or an array of strings']);
    // An empty list asks for nothing, not for everything (a client's own list that happened to be empty): a 400 too.
    expect(pathsOf({ types: '', subjects: [], organization: '' })).toEqual([
      'types: must name at least one event type (leave it out for every item)',
      'subjects: must name at least one subject (leave it out for every item)',
      'organization: must be an org subject like "org:openai" (leave it out for every item)',
    ]);
    expect(pathsOf({ subjects: ' , ' })).toEqual(['subjects: must name at least one subject (leave it out for every item)']);
    expect(parseFeedQuery({})).toMatchObject({ types: null, subjects: null, organization: null });
  });

  it("given an endpoint's parameters, then a typo or a parameter of another endpoint is a 400 naming it, beside the bad values", () => {
    const problemOf = (raw: Record<string, unknown>, allowed: readonly string[]) => {
      try {
        parseFeedQuery(raw, allowed);
      } catch (error) {
        return (error as ProblemError).errors!.map((e) => `${e.path}: ${e.message}`);
      }
      return 'accepted';
    };
    const allowed = ['after', 'limit', 'types', 'subjects', 'organization', 'lang'];
    // `type` for `types`, `organisation` for `organization`: never answered as the unfiltered feed.
    expect(problemOf({ type: 'executive.departed', organisation: 'org:openai', lang: 'de' }, allowed)).toEqual([
      'type: unknown parameter (allowed: after, limit, types, subjects, organization, lang)',
      'organisation: unknown parameter (allowed: after, limit, types, subjects, organization, lang)',
      'lang: must be "en" or "fr"',
    ]);
    // A field the endpoint does not take is refused even when the feed's schema knows it (the Atom feed's `after`).
    expect(problemOf({ after: '5' }, ['limit', 'types', 'subjects', 'organization', 'lang'])).toEqual([
      'after: unknown parameter (allowed: limit, types, subjects, organization, lang)',
    ]);
    expect(problemOf({ types: 'executive.departed', lang: 'fr' }, allowed)).toBe('accepted');
    // Without `allowed` (a WebSocket message, whose fields are its own), other fields are left to the caller.
    expect(parseFeedQuery({ type: 'subscribe', after: 3 }).after).toBe('3');
    // Above 2^53 a JSON number has already lost digits: refused, not resumed elsewhere.
    let refusal: unknown;
    try {
      parseFeedQuery({ after: 2 ** 53 + 2 });
    } catch (e) {
      refusal = e;
    }
    expect(refusal).toMatchObject({ errors: [{ path: 'after', message: expect.stringMatching(/sent as a string/) }] });
    expect(parseFeedQuery({ after: '9007199254740993' }).after).toBe('9007199254740993');
  });

  it("given a stream request, then it resumes from the Last-Event-ID header, else a polyfill's lastEventId parameter, else after", () => {
    const params = ['after', 'types', 'subjects', 'organization', 'lang', 'key', 'lastEventId'];
    expect(parseStreamQuery({ after: '5', lastEventId: '7' }, '9', params).after).toBe('9');
    expect(parseStreamQuery({ after: '5', lastEventId: '7' }, undefined, params).after).toBe('7');
    expect(parseStreamQuery({ after: '5' }, ' ', params).after).toBe('5');
    const pathOf = (raw: Record<string, unknown>) => {
      try {
        parseStreamQuery(raw, undefined, params);
      } catch (error) {
        return (error as ProblemError).errors!.map((e) => e.path);
      }
      return 'accepted';
    };
    expect(pathOf({ lastEventId: 'x' })).toEqual(['lastEventId']);
    expect(pathOf({ lastEventId: ['1', '2'] })).toEqual(['lastEventId']);
    expect(pathOf({ limit: '10' })).toEqual(['limit']);
  });
});
