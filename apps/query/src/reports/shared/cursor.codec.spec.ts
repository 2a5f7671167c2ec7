import { decodeCursor, encodeCursor, filtersHash, openPage, type CursorValue, type PageWindow, type SnapshotReads } from './cursor.codec';

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
    // The read database as the window reads it: the last instant the read models hold whole, none past the watermark.
    const latest = '2024-11-05T10:00:00.123Z';
    const snapshotOf = (row: { at: Date; ahead?: boolean }): SnapshotReads => ({ snapshot: (_first, body) => body([row]) });
    const db = snapshotOf({ at: new Date(latest) });
    /** The `knownAt` a window reads its page with. */
    const readAt = (w: PageWindow) => w.read(async (knownAt) => knownAt);
    /** The cursor a page that served up to `values` gives. */
    const issued = (w: PageWindow, values: CursorValue[]) => w.read(() => w.next(values));
    const timeline = (q: { cursor?: string | null; knownAt?: string | null; subject?: string | null; [k: string]: unknown } = {}, reads = db) =>
      openPage('timeline', { subject: 'org:a', types: null, from: null, limit: 3, lang: 'en', format: null, minPosition: null, knownAt: null, cursor: null, ...q }, ['instant', 'position'], reads);
    const messageOf = (fn: () => unknown) => (problemOf(fn) as unknown as { errors: { path: string; message: string }[] }).errors;

    it('given a first page without knownAt, then it reads now, and its next cursor pins the last instant the read models hold whole', async () => {
      const first = timeline();
      expect(first).toMatchObject({ after: null, knownAt: null });
      expect(await readAt(first)).toBeNull();
      const cursor = await issued(first, ['2024-09-25T00:00:00.000Z', '42']);
      // The same state gives the same cursor (an ETag over it stays valid).
      expect(await issued(timeline(), ['2024-09-25T00:00:00.000Z', '42'])).toBe(cursor);
      const second = timeline({ cursor });
      expect(second).toMatchObject({ after: ['2024-09-25T00:00:00.000Z', '42'], knownAt: latest });
      // Every later page reads the same instant.
      const third = timeline({ cursor: await issued(second, ['2024-10-01T00:00:00.000Z', '50']) });
      expect(third.knownAt).toBe(latest);
    });

    it('given a first page without knownAt while the read models hold events past the feed watermark, then it reads the instant its cursor pins (t26)', async () => {
      const whole = '2024-11-05T09:59:59.999Z';
      const catchingUp = snapshotOf({ at: new Date(whole), ahead: true });
      const first = openPage('departures', { subject: null, knownAt: null, cursor: null }, ['instant', 'position'], catchingUp);
      expect(first.knownAt).toBeNull();
      expect(await readAt(first)).toBe(whole);
      const second = openPage('departures', { subject: null, knownAt: null, cursor: await issued(first, ['2023-01-01T00:00:00.000Z', '19']) }, ['instant', 'position'], catchingUp);
      expect(await readAt(second)).toBe(whole);
      // An explicit knownAt is read as asked.
      expect(await readAt(openPage('departures', { subject: null, knownAt: latest, cursor: null }, ['instant', 'position'], catchingUp))).toBe(latest);
    });

    it('given a first page without knownAt, then its page is read inside the snapshot its check took, and its cursor pins what that snapshot held', async () => {
      // What the read database holds changes between snapshots: the check and the page must be one of them.
      const states = [{ at: new Date('2024-11-05T10:00:00.100Z') }, { at: new Date('2024-11-05T10:00:00.200Z') }];
      const log: string[] = [];
      let open = false;
      const reads: SnapshotReads = {
        snapshot: async (first, body) => {
          log.push(first.includes('read_model.feed_watermark') ? 'check' : first);
          open = true;
          try {
            return await body([states.shift()!]);
          } finally {
            open = false;
          }
        },
      };
      const first = timeline({}, reads);
      await expect(first.next(['2024-09-25T00:00:00.000Z', '42'])).rejects.toThrow(/before the page was read/);
      const cursor = await first.read(async (knownAt) => {
        expect([knownAt, open]).toEqual([null, true]);
        return first.next(['2024-09-25T00:00:00.000Z', '42']);
      });
      expect(log).toEqual(['check']);
      expect(timeline({ cursor }, reads).knownAt).toBe('2024-11-05T10:00:00.100Z');
      // A later page, or one with knownAt, reads its instant without a snapshot of its own (nothing to decide).
      expect(await timeline({ cursor }, reads).read(async (knownAt) => [knownAt, open])).toEqual(['2024-11-05T10:00:00.100Z', false]);
      expect(await readAt(timeline({ knownAt: latest }, reads))).toBe(latest);
      expect(log).toEqual(['check']);
    });

    it('given an explicit knownAt, then the cursor pins it, and a later page may repeat it or leave it out', async () => {
      const first = openPage('lawsuits', { party: null, knownAt: '2024-01-01T00:00:00.000Z', cursor: null }, ['text'], db);
      const cursor = await issued(first, ['case:a']);
      for (const knownAt of ['2024-01-01T00:00:00.000Z', null]) {
        expect(openPage('lawsuits', { party: null, knownAt, cursor }, ['text'], db)).toMatchObject({ after: ['case:a'], knownAt: '2024-01-01T00:00:00.000Z' });
      }
      // A first page read now pins the latest recording time: asking for that instant explicitly is the same query.
      const pinnedNow = await issued(timeline(), ['2024-09-25T00:00:00.000Z', '42']);
      expect(timeline({ cursor: pinnedNow, knownAt: latest }).knownAt).toBe(latest);
    });

    it('given an explicit knownAt other than the instant the cursor pins, then 400 naming cursor: it is another query', async () => {
      const cursor = await issued(timeline(), ['2024-09-25T00:00:00.000Z', '42']);
      const errors = messageOf(() => timeline({ cursor, knownAt: '2024-01-01T00:00:00.000Z' }));
      expect(errors).toEqual([{ path: 'cursor', message: expect.stringMatching(/^belongs to another query: it reads the state as known at 2024-11-05T10:00:00.123Z/) }]);
    });

    it("given another endpoint's cursor of the same shape, then 400 naming cursor", async () => {
      const cursor = await issued(timeline(), ['2024-09-25T00:00:00.000Z', '42']);
      const problem = problemOf(() => openPage('departures', { subject: 'org:a', knownAt: null, cursor }, ['instant', 'position'], db));
      expect(problem.status).toBe(400);
      expect(problem.errors.map((e) => e.path)).toEqual(['cursor']);
    });

    it.each([
      ['another subject', { subject: 'person:b' }],
      ['a filter added', { from: '2024-01-01T00:00:00.000Z' }],
      ['a filter removed', { subject: null }],
      ['another list of types', { types: ['lawsuit.filed'] }],
    ])("given a cursor of another query of the endpoint (%s), then 400 naming cursor: it belongs to another query", async (_what, other) => {
      const cursor = await issued(timeline(), ['2024-09-25T00:00:00.000Z', '42']);
      expect(messageOf(() => timeline({ ...other, cursor }))).toEqual([
        { path: 'cursor', message: expect.stringMatching(/^belongs to another query of this endpoint \(other filters\)/) },
      ]);
    });

    it('given the same query in another format, language, page size or wait, then the cursor is taken: they do not choose the items', async () => {
      const cursor = await issued(timeline(), ['2024-09-25T00:00:00.000Z', '42']);
      for (const q of [{ format: 'csv' }, { format: 'timelinejs' }, { lang: 'fr' }, { limit: 1000 }, { minPosition: '12' }]) {
        expect(timeline({ ...q, cursor }).after).toEqual(['2024-09-25T00:00:00.000Z', '42']);
      }
    });

    it('binds the filters as parsed: absent and null alike, a list as a set', () => {
      expect(filtersHash({ subject: 'org:a', types: ['a', 'b'], from: null })).toBe(filtersHash({ types: ['b', 'a'], subject: 'org:a', to: undefined }));
      expect(filtersHash({ subject: 'org:a' })).not.toBe(filtersHash({ subject: 'org:b' }));
      // The hash is short and opaque: a cursor stays bounded.
      expect(filtersHash({ subject: 'x'.repeat(10_000) })).toMatch(/^[\w-]{16}$/);
    });

    it('given a cursor issued before cursors were bound to their query, then 400 naming cursor, saying to ask the first page again', () => {
      const legacy = bad(['2024-09-25T00:00:00.000Z', '42', latest, 'timeline']);
      expect(messageOf(() => timeline({ cursor: legacy }))).toEqual([
        { path: 'cursor', message: 'was issued before cursors were bound to their query, and cannot be checked against this one: ask the first page again without cursor' },
      ]);
      // Another endpoint's old cursor is still just not this endpoint's.
      expect(messageOf(() => openPage('departures', { knownAt: null, cursor: legacy }, ['instant', 'position'], db))[0].message).toBe('is not a cursor this endpoint returned');
    });

    it('given a key-only cursor of the first releases (the sort key alone), then 400 naming cursor, saying to ask the first page again', () => {
      const issuedBefore = 'was issued before cursors were bound to their query, and cannot be checked against this one: ask the first page again without cursor';
      // Exactly what GET /v1/reports/departures?limit=1 answered then: ["2023-01-01T00:00:00.000Z","19"].
      const departures = 'WyIyMDIzLTAxLTAxVDAwOjAwOjAwLjAwMFoiLCIxOSJd';
      expect(messageOf(() => openPage('departures', { subject: null, knownAt: null, cursor: departures }, ['instant', 'position'], db))).toEqual([
        { path: 'cursor', message: issuedBefore },
      ]);
      expect(messageOf(() => timeline({ cursor: encodeCursor([null, 7]) }))).toEqual([{ path: 'cursor', message: issuedBefore }]);
      expect(messageOf(() => openPage('lawsuits', { party: null, knownAt: null, cursor: encodeCursor(['case:a']) }, ['text'], db))).toEqual([
        { path: 'cursor', message: issuedBefore },
      ]);
      // A sort key this endpoint never wrote (a word for an instant, one value short) is still not its cursor.
      for (const values of [['x', '19'], ['2023-01-01T00:00:00.000Z']]) {
        expect(messageOf(() => timeline({ cursor: bad(values) }))[0].message).toBe('is not a cursor this endpoint returned');
      }
    });
  });
});
