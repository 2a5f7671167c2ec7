import { MAX_PROBLEM_ERRORS, problems } from './problem.errors';

describe('a problem with many field errors', () => {
  it('given more field errors than the cap, then the first ones are listed and the rest counted, so the answer stays small', () => {
    const errors = Array.from({ length: 100_000 }, (_, i) => ({ path: `data.field${i}`, message: 'unknown field' }));
    const body = problems.validation(errors).toBody('/v1/events');
    expect(body.errors).toHaveLength(MAX_PROBLEM_ERRORS);
    expect(body.errors![0]).toEqual({ path: 'data.field0', message: 'unknown field' });
    expect(body.errorsOmitted).toBe(100_000 - MAX_PROBLEM_ERRORS);
    expect(JSON.stringify(body).length).toBeLessThan(10_000);
  });

  it('given errors within the cap, then all are listed and nothing is said of omitted ones', () => {
    const body = problems.validation([{ path: 'subject', message: 'required' }]).toBody();
    expect(body.errors).toEqual([{ path: 'subject', message: 'required' }]);
    expect(body).not.toHaveProperty('errorsOmitted');
  });
});
