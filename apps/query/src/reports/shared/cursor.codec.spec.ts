import { decodeCursor, encodeCursor } from './cursor.codec';

const bad = (values: unknown) => Buffer.from(JSON.stringify(values)).toString('base64url');
const problemOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e as { status: number; errors: { path: string }[] };
  }
  throw new Error('no problem raised');
};

describe('cursor codec: only what the endpoint itself returned reaches SQL', () => {
  it('round-trips the cursors the endpoints write', () => {
    const values = ['2024-09-25T00:00:00.000Z', '42', 'headcount:commercial'];
    expect(decodeCursor(encodeCursor(values), ['instant', 'position', 'text'])).toEqual(values);
    expect(decodeCursor(encodeCursor([null, 7]), ['instant', 'position'])).toEqual([null, 7]);
    expect(decodeCursor(null, ['text'])).toBeNull();
  });

  it.each([
    ['a word for an instant', ['x', 1], ['instant', 'position']],
    ['a date that does not exist', ['2024-02-30T00:00:00.000Z', 1], ['instant', 'position']],
    ['a word for a position', ['2024-01-01T00:00:00.000Z', 'x'], ['instant', 'position']],
    ['a negative position', ['2024-01-01T00:00:00.000Z', -1], ['instant', 'position']],
    ['a position past bigint', ['2024-01-01T00:00:00.000Z', '9223372036854775808'], ['instant', 'position']],
    ['NUL in text', ['a\u0000b'], ['text']],
    ['a number for text', [1], ['text']],
    ['the wrong length', ['x'], ['text', 'text']],
    ['an object', [{}], ['text']],
  ])('given %s, then 400 naming cursor', (_what, values, kinds) => {
    const problem = problemOf(() => decodeCursor(bad(values), kinds as never));
    expect(problem.status).toBe(400);
    expect(problem.errors.map((e) => e.path)).toEqual(['cursor']);
  });

  it('given text that is not base64url JSON, then 400 naming cursor', () => {
    expect(problemOf(() => decodeCursor('%%%not-json', ['text'])).status).toBe(400);
  });
});
