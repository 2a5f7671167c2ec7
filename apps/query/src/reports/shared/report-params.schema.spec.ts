import { ProblemError } from '@newsroom/platform';
import { z } from 'zod';
import { formatOf, fromBeforeTo, instant, minOutletsParam, optionalName, optionalText, readReportParams, reportParams, subject } from './report-params.schema';

const problemOf = (fn: () => void): ProblemError => {
  try {
    fn();
  } catch (e) {
    return e as ProblemError;
  }
  throw new Error('expected a problem');
};

describe('report query parameters (zod)', () => {
  it('documents limit, minOutlets and minPosition with a pattern every value the service takes matches (t27: bare strings)', () => {
    const schema = reportParams({ minOutlets: minOutletsParam() });
    const documented = z.toJSONSchema(schema, { io: 'input' }) as { properties: Record<string, { pattern?: string }> };
    const texts = ['0', '1', '01', '0001000', '999', '1000', '1001', '10000', '-1', '1.5', '1e3', ' 5', '', 'x', '٣'];
    for (const name of ['limit', 'minOutlets']) {
      const pattern = new RegExp(documented.properties[name].pattern!);
      for (const text of texts) {
        const taken = schema.safeParse({ [name]: text }).success;
        expect({ name, text, matches: pattern.test(text) }).toEqual({ name, text, matches: taken });
      }
    }
    // A position: any of up to 19 digits matches; one over Postgres' bigint range (9223372036854775808 and up) matches
    // and is refused by the service in words.
    const position = new RegExp(documented.properties.minPosition.pattern!);
    for (const text of ['0', '42', '9223372036854775807', '12345678901234567890', '-1', 'x'])
      expect({ text, matches: position.test(text) }).toEqual({ text, matches: schema.safeParse({ minPosition: text }).success });
    expect(position.test('9223372036854775808')).toBe(true);
    expect(schema.safeParse({ minPosition: '9223372036854775808' }).success).toBe(false);
  });

  it('reads instants from dates and periods, lists, limits and formats', () => {
    const schema = reportParams({ to: instant('end', 'end') });
    const q = readReportParams(schema, { asOf: '2024-12', knownAt: '2025-01-02T03:04:05Z', to: '2024-Q3', modality: 'reported,confirmed', limit: '5' });
    expect(q).toEqual({
      to: '2024-10-01T00:00:00.000Z', asOf: '2024-12-01T00:00:00.000Z', knownAt: '2025-01-02T03:04:05.000Z', modality: ['reported', 'confirmed'],
      limit: 5, cursor: null, format: null, bom: false, minPosition: null,
    });
    expect(formatOf(q.format, 'text/csv')).toBe('csv');
    expect(formatOf(q.format, 'application/json')).toBe('json');
    expect(formatOf('json', 'text/csv')).toBe('json');
  });

  it('takes the format Accept prefers, by quality and the most specific range', () => {
    expect(formatOf(null, undefined)).toBe('json');
    expect(formatOf(null, '*/*')).toBe('json');
    expect(formatOf(null, 'text/csv, application/json;q=0.1')).toBe('csv'); // JSON as a fallback only
    expect(formatOf(null, 'text/csv, application/json;q=0')).toBe('csv');
    expect(formatOf(null, 'text/csv;q=0.5, application/json')).toBe('json');
    expect(formatOf(null, 'text/csv, application/json')).toBe('json'); // a tie: JSON
    expect(formatOf(null, 'text/*, */*;q=0.1')).toBe('csv');
    expect(formatOf(null, 'TEXT/CSV; charset=utf-8')).toBe('csv');
    expect(formatOf(null, 'text/csv;q=0, */*')).toBe('json');
    expect(formatOf(null, 'text/html')).toBe('json'); // neither acceptable: JSON, as before
  });

  it('collects every bad parameter into one 400 problem with field paths, unknown parameters first', () => {
    const schema = reportParams({ organization: subject({ kind: 'org' }) });
    const problem = problemOf(() => readReportParams(schema, { organisation: 'org:openai', organization: 'person:x', asOf: 'yesterday', modality: 'sure', limit: '0', format: 'xml' }));
    expect(problem.status).toBe(400);
    expect(problem.code).toBe('REQUEST.INVALID');
    expect(problem.errors?.map((e) => e.path)).toEqual(['organisation', 'organization', 'asOf', 'modality[0]', 'limit', 'format']);
    expect(problem.errors?.[0].message).toBe('unknown parameter (allowed: format, knownAt, asOf, modality, organization, bom, minPosition, limit, cursor)');
    expect(problem.errors?.[1].message).toBe('must be an org subject such as "org:openai"');
    expect(problem.errors?.[3].message).toBe('"sure" is not one of reported, confirmed, denied, rumored');
  });

  it('refuses a range as an instant, a missing required subject and a repeated parameter', () => {
    const schema = reportParams({ organization: subject() });
    expect(problemOf(() => readReportParams(schema, { knownAt: '2024/2025' })).errors).toEqual([
      { path: 'organization', message: 'required' },
      { path: 'knownAt', message: expect.stringMatching(/date or period/) },
    ]);
    expect(problemOf(() => readReportParams(schema, { organization: ['org:a', 'org:b'] })).errors).toEqual([{ path: 'organization', message: 'must be given once' }]);
  });

  it("says a date-time's offset lost its plus to the query string (a + is a space) and how to send it", () => {
    const schema = reportParams({});
    // What Express makes of ?knownAt=2025-01-02T03:04:05.914+01:00 pasted as is.
    expect(problemOf(() => readReportParams(schema, { knownAt: '2025-01-02T03:04:05.914 01:00' })).errors).toEqual([
      { path: 'knownAt', message: expect.stringContaining('a "+" in a URL\'s query is a space: send the offset as %2B, 2025-01-02T03:04:05.914%2B01:00') },
    ]);
    expect(problemOf(() => readReportParams(schema, { asOf: '2025-13-02' })).errors?.[0].message).not.toContain('%2B');
  });

  it('takes minPosition as a global position (a Postgres bigint), kept as text', () => {
    const schema = reportParams({});
    expect(readReportParams(schema, { minPosition: '0' }).minPosition).toBe('0');
    expect(readReportParams(schema, { minPosition: '9223372036854775807' }).minPosition).toBe('9223372036854775807');
    for (const bad of ['-1', '1.5', '1e3', '9223372036854775808', '00000000000000000001'])
      expect(problemOf(() => readReportParams(schema, { minPosition: bad })).errors).toEqual([
        { path: 'minPosition', message: expect.stringMatching(/global position/) },
      ]);
  });

  it('checks from before to among the valid parameters, before the format', () => {
    const schema = reportParams({ from: instant('from'), to: instant('to', 'end') });
    const problem = problemOf(() => readReportParams(schema, { from: '2025', to: '2024', limit: 'x', format: 'xml' }, { cross: fromBeforeTo }));
    expect(problem.errors?.map((e) => e.path)).toEqual(['limit', 'to', 'format']);
  });

  it('refuses text Postgres cannot take (NUL, lone surrogates) in a free parameter with a 400 naming it, never a 500 from SQL', () => {
    const schema = reportParams({ outlet: optionalText() });
    const problem = problemOf(() => readReportParams(schema, { outlet: 'Le\u0000Monde', cursor: 'a\ud800' }));
    expect(problem.status).toBe(400);
    expect(problem.errors!.map((e) => e.path)).toEqual(['outlet', 'cursor']);
  });

  it('refuses a searched name longer than any stored one, or one a byte that is not UTF-8 made U+FFFD, naming the parameter', () => {
    const schema = reportParams({ outlet: optionalName(200) });
    const long = problemOf(() => readReportParams(schema, { outlet: 'x'.repeat(201) }));
    expect({ status: long.status, errors: long.errors }).toEqual({ status: 400, errors: [expect.objectContaining({ path: 'outlet', message: 'must be at most 200 characters' })] });
    // What node:querystring makes of `outlet=Le%e9Monde` (Latin-1): the byte becomes U+FFFD.
    const latin1 = problemOf(() => readReportParams(schema, { outlet: 'Le\uFFFDMonde' }));
    expect(latin1.errors).toEqual([expect.objectContaining({ path: 'outlet', message: expect.stringMatching(/^must be UTF-8/) })]);
    expect(readReportParams(schema, { outlet: 'L’Écho des Savanes'.padEnd(200, '.') }).outlet).toHaveLength(200);
  });

  it('takes an empty parameter as an absent one, and a path parameter beside the query', () => {
    const schema = reportParams({ subject: subject(), outlet: optionalText() });
    expect(readReportParams(schema, { outlet: '', asOf: '' }, { path: { subject: 'org:openai' } })).toMatchObject({ subject: 'org:openai', outlet: null, asOf: null });
    expect(problemOf(() => readReportParams(schema, { subject: 'org:x' }, { path: { subject: 'org:openai' } })).errors?.map((e) => e.path)).toEqual(['subject']);
  });
});
