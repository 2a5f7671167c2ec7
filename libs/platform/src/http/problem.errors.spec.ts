import {
  clipText,
  MAX_PROBLEM_DETAIL,
  MAX_PROBLEM_ERRORS,
  MAX_PROBLEM_ERRORS_BYTES,
  MAX_PROBLEM_MESSAGE,
  MAX_PROBLEM_PATH,
  problems,
} from './problem.errors';

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

describe('a problem whose paths and messages repeat what the client sent', () => {
  it('given a key of 1,500,000 characters, then its path is cut to 200 with an ellipsis and its full length, and the answer stays small', () => {
    const path = `data.byFunction.${'k'.repeat(1_500_000)}`;
    const body = problems.validation([{ path, message: 'key must be at most 200 characters' }]).toBody('/v1/events');
    expect(body.errors).toEqual([
      { path: `${path.slice(0, MAX_PROBLEM_PATH)}… (1500016 characters)`, message: 'key must be at most 200 characters' },
    ]);
    expect(JSON.stringify(body).length).toBeLessThan(1000);
  });

  it('given 200 unknown fields of 5,000 characters, then the listed errors stop at about 8 kB and the rest are counted', () => {
    const errors = Array.from({ length: 200 }, (_, i) => ({ path: `${i}`.padEnd(5000, 'x'), message: 'unknown field' }));
    const body = problems.validation(errors).toBody('/v1/events');
    const listed = body.errors!.length;
    expect(listed).toBeGreaterThan(10);
    expect(listed + (body.errorsOmitted as number)).toBe(200);
    expect(Buffer.byteLength(JSON.stringify(body.errors))).toBeLessThanOrEqual(MAX_PROBLEM_ERRORS_BYTES);
    expect(Buffer.byteLength(JSON.stringify(body))).toBeLessThan(MAX_PROBLEM_ERRORS_BYTES + 1000);
  });

  it('given one huge message and detail, then both are cut with their length, and the first error is listed whatever its size', () => {
    const body = problems
      .validation([{ path: '', message: 'm'.repeat(MAX_PROBLEM_MESSAGE * 10) }], 'd'.repeat(MAX_PROBLEM_DETAIL + 1))
      .toBody();
    expect(body.errors).toEqual([{ path: '', message: `${'m'.repeat(MAX_PROBLEM_MESSAGE)}… (${MAX_PROBLEM_MESSAGE * 10} characters)` }]);
    expect(body.detail).toBe(`${'d'.repeat(MAX_PROBLEM_DETAIL)}… (${MAX_PROBLEM_DETAIL + 1} characters)`);
  });
});

describe('clipText', () => {
  it('given text within the bound, then it is kept as it is', () => {
    expect(clipText('data.role', 200)).toBe('data.role');
  });

  it('given emoji, then they count as one character each and a pair is never split at the cut', () => {
    expect(clipText('😀'.repeat(5), 5)).toBe('😀'.repeat(5));
    expect(clipText(`a${'😀'.repeat(5)}`, 2)).toBe('a… (6 characters)');
  });
});
