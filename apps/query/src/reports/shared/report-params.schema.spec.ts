import { ProblemError } from '@newsroom/platform';
import { z } from 'zod';
import { feedQueryParams } from '../../feed/feed-query.reader';
import { formatOf, fromBeforeTo, instant, minOutletsParam, optionalName, optionalText, readReportParams, reportParams, subject, typesParam } from './report-params.schema';

const problemOf = (fn: () => void): ProblemError => {
  try {
    fn();
  } catch (e) {
    return e as ProblemError;
  }
  throw new Error('expected a problem');
};

describe('report query parameters (zod)', () => {
  it('documents limit, minOutlets and minPosition with the pattern of exactly the values the service takes, as the feed does (t29: minPosition above the largest position matched, limit took any number of leading zeros)', () => {
    const schema = reportParams({ minOutlets: minOutletsParam() });
    const documented = z.toJSONSchema(schema, { io: 'input' }) as { properties: Record<string, { type?: string; pattern?: string }> };
    const taken = (name: string, text: string) => {
      try {
        readReportParams(schema, { [name]: text });
        return true;
      } catch {
        return false;
      }
    };
    const counts = ['0', '1', '01', '0001', '00001', '9', '10', '099', '999', '0999', '1000', '01000', '0001000', '1001', '9999', '10000', '-1', '+5', '1.5', '1e1', '1e3', '0x10', ' 5', '5 ', 'x', '٣'];
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
      'x',
      '٣',
    ];
    const cases: [string, readonly string[]][] = [
      ['limit', counts],
      ['minOutlets', counts],
      ['minPosition', positions],
    ];
    for (const [name, texts] of cases) {
      expect(documented.properties[name].type).toBe('string');
      const pattern = new RegExp(documented.properties[name].pattern!);
      for (const text of texts) expect({ name, text, matches: pattern.test(text) }).toEqual({ name, text, matches: taken(name, text) });
    }
    // Each digit of the largest position, one above it there: refused, and the pattern says so.
    const max = '9223372036854775807';
    const minPosition = new RegExp(documented.properties.minPosition.pattern!);
    for (let i = 0; i < max.length; i++) {
      if (max[i] === '9') continue;
      const above = max.slice(0, i) + String(Number(max[i]) + 1) + max.slice(i + 1);
      expect({ above, matches: minPosition.test(above), taken: taken('minPosition', above) }).toEqual({ above, matches: false, taken: false });
    }
    // The dates (asOf, knownAt): the pattern gives the shapes the service takes, a real calendar date aside (t30).
    const dates = ['2024', '2024-H1', '2024-Q4', '2024-07', '2024-07-31', '2024-07-31T10:00:00Z', '2024-07-31T10:00:00.123+02:00', '1000', '9998-12-31', '0999', '9999-12-31', '2024-13', '2024-Q5', '2024/2025', '2024-07-31T24:00:00Z', '24', 'yesterday', '2024-07-31 10:00:00Z'];
    for (const name of ['asOf', 'knownAt']) {
      const pattern = new RegExp(documented.properties[name].pattern!);
      for (const text of dates) expect({ name, text, matches: pattern.test(text) }).toEqual({ name, text, matches: taken(name, text) });
      expect({ text: '2024-02-30', matches: pattern.test('2024-02-30'), taken: taken(name, '2024-02-30') }).toEqual({ text: '2024-02-30', matches: true, taken: false });
    }
    // The feed's after and limit declare the same patterns: one rule for a position and a page size on every endpoint.
    const feed = z.toJSONSchema(feedQueryParams, { io: 'input' }) as { properties: Record<string, { pattern?: string }> };
    expect(feed.properties.after.pattern).toBe(documented.properties.minPosition.pattern);
    expect(feed.properties.limit.pattern).toBe(documented.properties.limit.pattern);
    expect(problemOf(() => readReportParams(schema, { limit: '00100' })).errors).toEqual([{ path: 'limit', message: 'must be an integer from 1 to 1000 (at most four digits)' }]);
    expect(readReportParams(schema, { limit: '0100', minOutlets: '0002' })).toMatchObject({ limit: 100, minOutlets: 2 });
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

  it('refuses a parameter given empty, naming each (t30: `organization=` answered every organization), and takes a path parameter beside the query', () => {
    const schema = reportParams({ subject: subject(), outlet: optionalText(), types: typesParam() });
    const empty = problemOf(() => readReportParams(schema, { outlet: '', asOf: '', types: ' , ', limit: ['', ''] }, { path: { subject: 'org:openai' } }));
    expect(empty.errors).toEqual(
      ['outlet', 'asOf', 'types', 'limit'].map((path) => ({ path, message: 'must not be empty (leave the parameter out for no filter, or its default)' })),
    );
    // A required parameter given empty is named once.
    expect(problemOf(() => readReportParams(schema, { subject: '' })).errors?.map((e) => e.path)).toEqual(['subject']);
    expect(readReportParams(schema, { outlet: 'Le Monde' }, { path: { subject: 'org:openai' } })).toMatchObject({ subject: 'org:openai', outlet: 'Le Monde', asOf: null });
    expect(problemOf(() => readReportParams(schema, { subject: 'org:x' }, { path: { subject: 'org:openai' } })).errors?.map((e) => e.path)).toEqual(['subject']);
  });
});
