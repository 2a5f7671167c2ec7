import type { IncomingMessage } from '@newsroom/messaging';
import { toDeadLetter } from './dead-letter.message';

const message = (value: string): IncomingMessage => ({
  topic: 'newsroom.submissions.v1',
  partition: 0,
  offset: '7',
  key: 'org:openai',
  value: Buffer.from(value),
  headers: {},
});

describe('a dead letter', () => {
  it('given field errors within the bounds, then error-paths lists them all and nothing is said of omitted ones', () => {
    const letter = toDeadLetter(message('{}'), {
      status: 400,
      code: 'REQUEST.INVALID',
      message: 'invalid',
      errors: [{ path: 'data.role', message: 'required' }],
    });
    expect(JSON.parse(String(letter.headers!['error-paths']))).toEqual([{ path: 'data.role', message: 'required' }]);
    expect(letter.headers).not.toHaveProperty('error-paths-omitted');
  });

  it('given a key of 900,000 characters and 500 unknown fields, then error-paths stays within 8 kB and counts the rest', () => {
    const long = `data.byFunction.${'k'.repeat(900_000)}`;
    const errors = [
      { path: long, message: 'key must be at most 200 characters' },
      ...Array.from({ length: 500 }, (_, i) => ({ path: `x${i}`, message: 'unknown field' })),
    ];
    const letter = toDeadLetter(message('{}'), { status: 400, code: 'REQUEST.INVALID', message: 'invalid', errors });
    const paths = JSON.parse(String(letter.headers!['error-paths'])) as Array<{ path: string }>;
    expect(Buffer.byteLength(String(letter.headers!['error-paths']))).toBeLessThanOrEqual(8192);
    expect(paths[0].path).toBe(`${long.slice(0, 200)}… (900016 characters)`);
    expect(paths.length + Number(letter.headers!['error-paths-omitted'])).toBe(501);
  });
});
