import { decodeCursor, encodeCursor, openPage } from './cursor.codec';

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

  describe('a page window', () => {
    // The read database as the window reads it: the recording time of the feed's last item.
    const latest = '2024-11-05T10:00:00.123Z';
    const db = { query: async () => [{ at: new Date(latest) }] };

    it('given a first page without knownAt, then it reads now, and its next cursor pins the recording time of the latest event held', async () => {
      const first = openPage('timeline', null, ['instant', 'position'], null, db);
      expect(first).toMatchObject({ after: null, knownAt: null });
      const cursor = await first.next(['2024-09-25T00:00:00.000Z', '42']);
      // The same state gives the same cursor (an ETag over it stays valid).
      expect(await openPage('timeline', null, ['instant', 'position'], null, db).next(['2024-09-25T00:00:00.000Z', '42'])).toBe(cursor);
      const second = openPage('timeline', cursor, ['instant', 'position'], null, db);
      expect(second).toMatchObject({ after: ['2024-09-25T00:00:00.000Z', '42'], knownAt: latest });
      // Every later page reads the same instant.
      const third = openPage('timeline', await second.next(['2024-10-01T00:00:00.000Z', '50']), ['instant', 'position'], null, db);
      expect(third.knownAt).toBe(latest);
    });

    it('given an explicit knownAt, then it wins over the pinned instant', async () => {
      const first = openPage('lawsuits', null, ['text'], null, db);
      const next = openPage('lawsuits', await first.next(['case:a']), ['text'], '2024-01-01T00:00:00.000Z', db);
      expect(next).toMatchObject({ after: ['case:a'], knownAt: '2024-01-01T00:00:00.000Z' });
    });

    it("given another endpoint's cursor of the same shape, then 400 naming cursor", async () => {
      const timeline = await openPage('timeline', null, ['instant', 'position'], null, db).next(['2024-09-25T00:00:00.000Z', '42']);
      const problem = problemOf(() => openPage('departures', timeline, ['instant', 'position'], null, db));
      expect(problem.status).toBe(400);
      expect(problem.errors.map((e) => e.path)).toEqual(['cursor']);
    });
  });
});
