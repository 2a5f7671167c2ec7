import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { z } from 'zod';
import {
  HTTP_URL_SHAPE,
  isLanguageTag,
  isPeriod,
  LANGUAGE_TAG_SHAPE,
  PERIOD_PATTERN,
  submissionJsonSchema,
  urlSchema,
  validateSubmission,
} from '@newsroom/domain';
import { envelope, withData } from './fixtures/submissions.fixture';

/**
 * The submission's JSON Schema (what OpenAPI and AsyncAPI publish) held against the service's own validation, as a
 * partner checks it: ajv with ajv-formats. Where JSON Schema can say a rule, a document the service refuses must
 * fail the schema too; nothing the service accepts may fail it; what it cannot say is in the descriptions.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the exported JSON Schema is walked at any depth
type Schema = Record<string, any>;
const draft7 = submissionJsonSchema({ target: 'draft-7' }) as Schema;
const validate = addFormats(new Ajv({ strict: false, allErrors: true })).compile(draft7);
const schemaAccepts = (input: unknown) => validate(input) === true;
const service = (input: unknown) => validateSubmission(input);
const serviceErrors = (input: unknown) => {
  const result = service(input);
  return result.ok ? [] : result.errors;
};

const PERIOD = new RegExp(PERIOD_PATTERN, 'u');
const LANGUAGE = new RegExp(LANGUAGE_TAG_SHAPE, 'u');
const URL_SHAPE = new RegExp(HTTP_URL_SHAPE, 'u');
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

describe('the submission JSON Schema against what the service accepts', () => {
  it('given a valid envelope of each sample type, then the schema and the service both accept it', () => {
    for (const input of [envelope('headcount.reported'), envelope('lawsuit.filed'), envelope('executive.departed')]) {
      expect(serviceErrors(input)).toEqual([]);
      expect(validate(input) ? [] : validate.errors).toEqual([]);
    }
  });

  it.each([
    ['occurredAt a month 13', envelope('headcount.reported', { occurredAt: '2024-13' }), 'occurredAt'],
    ['occurredAt before the year 1000', envelope('headcount.reported', { occurredAt: '0999' }), 'occurredAt'],
    ['occurredAt after the year 9998', envelope('headcount.reported', { occurredAt: '9999-01' }), 'occurredAt'],
    ['occurredAt a time at 24:00', envelope('headcount.reported', { occurredAt: '2024-10-02T24:00:00Z' }), 'occurredAt'],
    [
      'a source language that is not a tag',
      envelope('headcount.reported', { sources: [{ outlet: 'X', language: 'not a tag!' }] }),
      'sources.0.language',
    ],
    [
      'a javascript: source url',
      envelope('headcount.reported', { sources: [{ outlet: 'X', language: 'en', url: 'javascript:alert(1)' }] }),
      'sources.0.url',
    ],
    [
      'an ftp source url',
      envelope('headcount.reported', { sources: [{ outlet: 'X', language: 'en', url: 'ftp://example.org/a' }] }),
      'sources.0.url',
    ],
    ['per-language text with no language', withData('executive.departed', { role: {} }), 'data.role'],
    ['a headcount function "Total"', withData('headcount.reported', { byFunction: { Total: 3 } }), 'data.byFunction.Total'],
    ['a headcount function " TOTAL "', withData('headcount.reported', { byFunction: { ' TOTAL ': 3 } }), 'data.byFunction. TOTAL '],
    ['a party listed twice', withData('lawsuit.filed', { plaintiffs: ['person:elon-musk', 'person:elon-musk'] }), 'data.plaintiffs.1'],
    ['a case as a party', withData('lawsuit.filed', { defendants: ['case:other'] }), 'data.defendants.0'],
  ])('given %s, then the service refuses it and so does the schema', (_what, input, path) => {
    expect(serviceErrors(input).map((e) => e.path.replace(/\[(\d+)\]/g, '.$1'))).toContain(path);
    expect(schemaAccepts(input)).toBe(false);
  });

  it('given a headcount function that only contains "total", then both accept it', () => {
    const input = withData('headcount.reported', { byFunction: { 'total rewards': 3, subtotals: 2 } });
    expect(serviceErrors(input)).toEqual([]);
    expect(schemaAccepts(input)).toBe(true);
  });

  it.each([
    ['a day the month does not have', '2024-02-30', /a real calendar date/],
    ['29 February of a common year', '2023-02-29', /a real calendar date/],
    ['a range that ends before it starts', '2024-10/2024-01', /range must not end before it starts/],
  ])('given %s, then the schema cannot say it: its description does, and the service refuses it', (_what, occurredAt, message) => {
    const input = envelope('headcount.reported', { occurredAt });
    expect(schemaAccepts(input)).toBe(true);
    expect(serviceErrors(input)).toEqual([{ path: 'occurredAt', message: expect.stringMatching(message) }]);
    const branch = draft7.oneOf.find((b: Schema) => b.properties.type.const === 'headcount.reported');
    expect(branch.properties.occurredAt.description).toMatch(/real calendar date.*range does not end before it starts/);
  });

  it('given a date the service refuses, then its message names the years it takes', () => {
    expect(serviceErrors(envelope('headcount.reported', { occurredAt: '0999' }))).toEqual([
      {
        path: 'occurredAt',
        message:
          'must be a date or period: YYYY, YYYY-H1|H2, YYYY-Q1..Q4, YYYY-MM, YYYY-MM-DD, an RFC 3339 date-time, or start/end ' +
          '(a real calendar date, years 1000 to 9998)',
      },
    ]);
    for (const occurredAt of ['1000', '9998-12-31', '1000-01-01T00:00:00Z/9998-H2']) {
      expect(serviceErrors(envelope('headcount.reported', { occurredAt }))).toEqual([]);
      expect(schemaAccepts(envelope('headcount.reported', { occurredAt }))).toBe(true);
    }
  });

  it('lists, in the envelope description, the rules across fields that JSON Schema cannot say', () => {
    const description: string = draft7.description;
    expect(description).toMatch(/necessary, not sufficient/);
    for (const rule of [
      /byFunction adds up to more than its total/,
      /a defendant who is also a plaintiff/,
      /valuation below the round/,
      /restructuring to itself/,
      /inferred path to a field the event does not have/,
      /actual revenue or loss for a period not begun/,
      /publishedAt after the recording/,
    ])
      expect(description).toMatch(rule);
    // The OpenAPI document's request schema is the same conversion.
    expect((submissionJsonSchema() as Schema).description).toBe(description);
  });
});

describe('the patterns match every value the service accepts', () => {
  it('given every year, half, quarter and month text, then the pattern matches exactly the ones the service accepts', () => {
    const mismatches: string[] = [];
    for (let y = 0; y <= 9999; y++) {
      const year = pad(y, 4);
      const texts = [year, `${year}-H1`, `${year}-H2`, `${year}-H3`, `${year}-Q0`, `${year}-Q4`, `${year}-Q5`];
      for (let m = 0; m <= 13; m++) texts.push(`${year}-${pad(m)}`);
      for (const text of texts) if (PERIOD.test(text) !== isPeriod(text)) mismatches.push(text);
    }
    expect(mismatches).toEqual([]);
  });

  it('given every day text of years around the bounds and today, then the pattern matches every one the service accepts', () => {
    const missed: string[] = [];
    const onlyCalendar: string[] = [];
    for (const y of [999, 1000, 1001, 1900, 2000, 2023, 2024, 2100, 9996, 9997, 9998, 9999]) {
      for (let m = 0; m <= 13; m++) {
        for (let d = 0; d <= 32; d++) {
          const text = `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
          if (isPeriod(text) && !PERIOD.test(text)) missed.push(text);
          // What the pattern lets through the service refuses is only a day the month does not have.
          if (!isPeriod(text) && PERIOD.test(text)) onlyCalendar.push(text);
        }
      }
    }
    expect(missed).toEqual([]);
    expect(onlyCalendar.every((t) => /-(02-(29|30|31)|(04|06|09|11)-31)$/.test(t))).toBe(true);
  });

  it('given date-times and ranges of any field values, then the pattern matches every one the service accepts', () => {
    // Mostly in range, so that many are valid; sometimes any two digits.
    const two = (max: number) =>
      fc
        .oneof({ arbitrary: fc.integer({ min: 0, max }), weight: 9 }, { arbitrary: fc.integer({ min: 0, max: 99 }), weight: 1 })
        .map((n) => pad(n));
    const dateTime = fc
      .record({
        y: fc.integer({ min: 990, max: 9999 }).map((n) => pad(n, 4)),
        mo: two(12),
        d: two(31),
        h: two(23),
        mi: two(59),
        s: two(59),
        t: fc.constantFrom('T', 't'),
        frac: fc.constantFrom('', '.5', '.123', '.123456789', '.1234567891'),
        zone: fc.oneof(
          fc.constantFrom('Z', 'z'),
          fc.tuple(fc.constantFrom('+', '-'), two(23), two(59)).map(([sign, h, m]) => `${sign}${h}:${m}`),
        ),
      })
      .map((p) => `${p.y}-${p.mo}-${p.d}${p.t}${p.h}:${p.mi}:${p.s}${p.frac}${p.zone}`);
    const single = fc.oneof(
      dateTime,
      fc.integer({ min: 990, max: 9999 }).map((y) => String(y)),
      fc.tuple(fc.integer({ min: 1000, max: 9998 }), fc.integer({ min: 0, max: 13 })).map(([y, m]) => `${y}-${pad(m)}`),
      fc.tuple(fc.integer({ min: 1000, max: 9998 }), fc.constantFrom('H1', 'H2', 'Q1', 'Q4')).map(([y, p]) => `${y}-${p}`),
    );
    const text = fc.oneof(
      single,
      fc.tuple(single, single).map(([a, b]) => `${a}/${b}`),
    );
    let accepted = 0;
    fc.assert(
      fc.property(text, (t) => {
        if (!isPeriod(t)) return true;
        accepted++;
        return PERIOD.test(t);
      }),
      { numRuns: 20_000 },
    );
    expect(accepted).toBeGreaterThan(2_000);
    // And the pattern refuses what the service refuses for a field out of range.
    for (const t of [
      '2024-10-02T23:60:00Z',
      '2024-10-02T23:59:60Z',
      '2024-10-02T10:00:00+24:00',
      '2024-10-02T10:00:00+01:60',
      '2024-10-02 10:00:00Z',
    ])
      expect([isPeriod(t), PERIOD.test(t)]).toEqual([false, false]);
  });

  it('given language tags, then the shape matches every tag the service accepts', () => {
    for (const tag of [
      'fr',
      'en',
      'en-US',
      'fr-CA',
      'zh-Hant-TW',
      'sr-Latn-RS',
      'es-419',
      'de-CH-1996',
      'en-u-ca-buddhist',
      'en-x-private',
      'gsw',
    ])
      expect([tag, isLanguageTag(tag), LANGUAGE.test(tag)]).toEqual([tag, true, true]);
    for (const tag of ['not a tag!', 'english', 'e', 'fr_FR', 'fr-', 'fr--CA', 'x-klingon', ' fr', 'fr-abcdefghi'])
      expect([tag, isLanguageTag(tag), LANGUAGE.test(tag)]).toEqual([tag, false, false]);
    const subtag = fc.stringMatching(/^[A-Za-z0-9]{1,9}$/);
    const tag = fc
      .tuple(fc.stringMatching(/^[A-Za-z]{1,4}$/), fc.array(subtag, { maxLength: 5 }))
      .map(([l, rest]) => [l, ...rest].join('-'));
    fc.assert(
      fc.property(fc.oneof(tag, fc.string()), (t) => !isLanguageTag(t) || LANGUAGE.test(t)),
      { numRuns: 20_000 },
    );
  });

  it('given source URLs, then the shape matches every URL the service accepts, non-ASCII ones included', () => {
    const accepts = (url: string) => urlSchema.safeParse(url).success;
    const taken = [
      'https://example.org/a',
      'http://example.org',
      'HTTPS://EXAMPLE.ORG/a',
      ' https://example.org/a ',
      'https://exemple.fr/été',
      'https://example.org/a b',
    ];
    for (const url of taken) expect([url, accepts(url), URL_SHAPE.test(url)]).toEqual([url, true, true]);
    for (const url of ['javascript:alert(1)', 'ftp://example.org/a', 'data:text/html,hi', 'https:example.org', '//example.org/a'])
      expect([url, accepts(url), URL_SHAPE.test(url)]).toEqual([url, false, false]);
    // Controls and bidi controls inside, as in any one-line text (they were stored raw and served in feeds and CSV).
    for (const url of [
      'https://e.org/\u0001x',
      'https://e.org/\u001b[31mx',
      'https://e.org/\u007f',
      'https://evil.com/\u202e',
      'https://e.org/a\u2028b',
      // TAB, CR and LF inside, which the URL parser would drop silently (another host, another path).
      'https://ex\r\nample.org/pa\tth',
      'https://x.example/a\tb',
      'https://x.example/a\nb',
    ])
      expect([url, accepts(url), URL_SHAPE.test(url)]).toEqual([url, false, false]);
    expect(urlSchema.safeParse('https://e.org/\u001b[31mx').error?.issues[0].message).toBe(
      'must not contain control characters: U+001B at 14',
    );
    const url = fc
      .tuple(fc.constantFrom('', ' ', '\t', '\u00a0'), fc.constantFrom('http', 'HTTPS', 'hTtP', 'ftp', 'javascript'), fc.webUrl())
      .map(([blank, scheme, rest]) => `${blank}${scheme}${rest.slice(rest.indexOf(':'))}`);
    fc.assert(
      fc.property(url, (u) => !accepts(u) || URL_SHAPE.test(u)),
      { numRuns: 5_000 },
    );
  });

  it('given the url, then the schema has no format "uri" that ajv-formats would hold non-ASCII URLs to', () => {
    const json = z.toJSONSchema(urlSchema, { io: 'input' }) as Schema;
    expect(json.format).toBeUndefined();
    expect(json.pattern).toBe(HTTP_URL_SHAPE);
  });
});
