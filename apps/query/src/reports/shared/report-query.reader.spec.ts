import { ProblemError } from '@newsroom/platform';
import { ReportQueryReader } from './report-query.reader';

const problemOf = (fn: () => void): ProblemError => {
  try {
    fn();
  } catch (e) {
    return e as ProblemError;
  }
  throw new Error('expected a problem');
};

describe('report query parameters', () => {
  it('reads instants from dates and periods, lists, limits and formats', () => {
    const r = new ReportQueryReader({ asOf: '2024-12', knownAt: '2025-01-02T03:04:05Z', to: '2024-Q3', modality: 'reported,confirmed', limit: '5' }, ['to'], true);
    expect(r.instant('asOf')).toBe('2024-12-01T00:00:00.000Z');
    expect(r.instant('knownAt')).toBe('2025-01-02T03:04:05.000Z');
    expect(r.instant('to', 'end')).toBe('2024-10-01T00:00:00.000Z');
    expect(r.modality()).toEqual(['reported', 'confirmed']);
    expect(r.limit()).toBe(5);
    expect(r.format('text/csv')).toBe('csv');
    expect(r.format('application/json')).toBe('json');
    expect(() => r.done()).not.toThrow();
  });

  it('collects every bad parameter into one 400 problem with field paths', () => {
    const problem = problemOf(() => {
      const r = new ReportQueryReader({ organisation: 'org:openai', organization: 'person:x', asOf: 'yesterday', modality: 'sure', limit: '0', format: 'xml' }, ['organization'], true);
      r.subject('organization', { kind: 'org', required: true });
      r.instant('asOf');
      r.modality();
      r.limit();
      r.format(undefined);
      r.done();
    });
    expect(problem.status).toBe(400);
    expect(problem.errors?.map((e) => e.path)).toEqual(['organisation', 'organization', 'asOf', 'modality[0]', 'limit', 'format']);
  });

  it('refuses a range as an instant and a missing required subject', () => {
    const problem = problemOf(() => {
      const r = new ReportQueryReader({ knownAt: '2024/2025' }, ['organization']);
      r.subject('organization', { required: true });
      r.instant('knownAt');
      r.done();
    });
    expect(problem.errors).toEqual([{ path: 'organization', message: 'required' }, { path: 'knownAt', message: expect.stringMatching(/date or period/) }]);
  });

  it('refuses text Postgres cannot take (NUL, lone surrogates) in a free parameter with a 400 naming it, never a 500 from SQL', () => {
    const problem = problemOf(() => {
      const r = new ReportQueryReader({ outlet: 'Le\u0000Monde', cursor: 'a\ud800' }, ['outlet'], true);
      r.string('outlet');
      r.string('cursor');
      r.done();
    });
    expect(problem.status).toBe(400);
    expect(problem.errors!.map((e) => e.path)).toEqual(['outlet', 'cursor']);
  });
});
