import { randomUUID } from 'node:crypto';
import { APPEND_LOCK_KEY, DuplicateEventIdError, EventToAppend, PgEventStore, WrongExpectedVersionError } from '@newsroom/event-store';
import { createTestDatabase, eventToAppend, TestDatabase } from '@newsroom/testing';

const event = (overrides: Partial<EventToAppend> = {}): EventToAppend =>
  eventToAppend({
    type: 'headcount.reported',
    data: { total: 1600 },
    occurredAt: '2024-10',
    occurredStart: '2024-10-01T00:00:00.000Z',
    occurredEnd: '2024-11-01T00:00:00.000Z',
    metadata: { correlationId: 'c-1', causationId: null, actor: 'test' },
    ...overrides,
  });

describe('PgEventStore against the real Postgres', () => {
  let db: TestDatabase;
  let store: PgEventStore;

  beforeAll(async () => {
    db = await createTestDatabase('event_store');
    store = new PgEventStore(db.pool);
  });
  afterAll(() => db.drop());

  it('appends with stream versions and global positions, and reads the stream back in order', async () => {
    const a = await store.append({ streamId: 'org:acme', expectedVersion: 0, events: [event(), event()] });
    expect(a.map((e) => e.streamVersion)).toEqual([1, 2]);
    expect(BigInt(a[1].globalPosition)).toBeGreaterThan(BigInt(a[0].globalPosition));
    const b = await store.append({ streamId: 'org:acme', expectedVersion: 2, events: [event({ data: { total: 1700 } })] });
    expect(b[0].streamVersion).toBe(3);
    const stream = await store.readStream('org:acme');
    expect(stream.map((e) => e.streamVersion)).toEqual([1, 2, 3]);
    expect(stream[2].data).toEqual({ total: 1700 });
    expect(stream[0].occurredAt).toBe('2024-10');
    expect(stream[0].metadata.correlationId).toBe('c-1');
  });

  it('refuses a stale expected version and records nothing', async () => {
    await store.append({ streamId: 'org:stale', expectedVersion: 0, events: [event()] });
    await expect(store.append({ streamId: 'org:stale', expectedVersion: 0, events: [event()] })).rejects.toBeInstanceOf(
      WrongExpectedVersionError,
    );
    await expect(store.append({ streamId: 'org:stale', expectedVersion: 5, events: [event()] })).rejects.toBeInstanceOf(
      WrongExpectedVersionError,
    );
    expect(await store.readStream('org:stale')).toHaveLength(1);
  });

  it('lets exactly one of 50 concurrent appends at the same version win', async () => {
    await store.append({ streamId: 'org:race', expectedVersion: 0, events: [event()] });
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => store.append({ streamId: 'org:race', expectedVersion: 1, events: [event()] })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected).toHaveLength(49);
    rejected.forEach((r) => expect(r.reason).toBeInstanceOf(WrongExpectedVersionError));
    expect(await store.readStream('org:race')).toHaveLength(2);
  });

  it('rejects a reused event id without recording anything of that append', async () => {
    const id = randomUUID();
    await store.append({ streamId: 'org:dup', expectedVersion: 'any', events: [event({ eventId: id })] });
    await expect(
      store.append({ streamId: 'org:dup2', expectedVersion: 'any', events: [event(), event({ eventId: id })] }),
    ).rejects.toBeInstanceOf(DuplicateEventIdError);
    expect(await store.readStream('org:dup2')).toHaveLength(0);
    expect(await store.streamVersion('org:dup2')).toBe(0);
  });

  it('appends several streams atomically: one bad stream records nothing at all', async () => {
    await store.append({ streamId: 'org:multi-b', expectedVersion: 0, events: [event()] });
    await expect(
      store.appendMany([
        { streamId: 'org:multi-a', expectedVersion: 0, events: [event()] },
        { streamId: 'org:multi-b', expectedVersion: 0, events: [event()] },
      ]),
    ).rejects.toBeInstanceOf(WrongExpectedVersionError);
    expect(await store.readStream('org:multi-a')).toHaveLength(0);
  });

  it('refuses one stream twice in a multi-stream append instead of recording a version clash', async () => {
    await expect(
      store.appendMany([
        { streamId: 'org:twice', expectedVersion: 0, events: [event()] },
        { streamId: 'org:twice', expectedVersion: 0, events: [event()] },
      ]),
    ).rejects.toThrow(/twice/);
    expect(await store.streamVersion('org:twice')).toBe(0);
  });

  it('commits concurrent appends together (group commit) while each keeps its own outcome', async () => {
    const before = await store.headPosition();
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => store.append({ streamId: `org:group-${i}`, expectedVersion: 0, events: [event()] })),
    );
    expect(results.flat()).toHaveLength(200);
    const { rows } = await db.pool.query(
      // xmin: the id of the transaction that inserted the row.
      'SELECT count(DISTINCT xmin::text)::int AS txs, count(*)::int AS n FROM event_store.events WHERE global_position > $1',
      [before],
    );
    expect(rows[0].n).toBe(200);
    expect(rows[0].txs).toBeLessThan(200); // several appends shared a commit
  });

  it('fails only the stale or clashing appends of a group, never their neighbours', async () => {
    const reused = randomUUID();
    await store.append({ streamId: 'org:first-owner', expectedVersion: 0, events: [event({ eventId: reused })] });
    const outcomes = await Promise.allSettled([
      ...Array.from({ length: 10 }, () => store.append({ streamId: 'org:contended', expectedVersion: 0, events: [event()] })),
      ...Array.from({ length: 10 }, (_, i) => store.append({ streamId: `org:neighbour-${i}`, expectedVersion: 0, events: [event()] })),
      store.append({ streamId: 'org:reuser', expectedVersion: 0, events: [event({ eventId: reused })] }),
    ]);
    const contended = outcomes.slice(0, 10);
    expect(contended.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    contended
      .filter((o): o is PromiseRejectedResult => o.status === 'rejected')
      .forEach((o) => expect(o.reason).toBeInstanceOf(WrongExpectedVersionError));
    expect(outcomes.slice(10, 20).every((o) => o.status === 'fulfilled')).toBe(true);
    const reuser = outcomes[20] as PromiseRejectedResult;
    expect(reuser.reason).toBeInstanceOf(DuplicateEventIdError);
    expect(await store.streamVersion('org:reuser')).toBe(0);
  });

  it('stores each event of a group with its own payload, as given or as the JSON its writer made, and refuses one without JSON', async () => {
    const many = Array.from({ length: 30 }, (_, i) => {
      const e = event({ data: { total: i, note: `"quoted" \\ back\\slash é ${i}` }, sources: [{ outlet: `Outlet ${i}` }] });
      // Every other one as ingest gives it: with its JSON made already.
      return i % 2
        ? { ...e, json: { data: JSON.stringify(e.data), sources: JSON.stringify(e.sources), metadata: JSON.stringify(e.metadata) } }
        : e;
    });
    const outcomes = await Promise.allSettled([
      ...many.map((e, i) => store.append({ streamId: `org:payload-${i}`, expectedVersion: 0, events: [e] })),
      store.append({ streamId: 'org:payload-bad', expectedVersion: 0, events: [event({ data: undefined })] }),
    ]);
    expect(outcomes.slice(0, 30).every((o) => o.status === 'fulfilled')).toBe(true);
    expect(String((outcomes[30] as PromiseRejectedResult).reason)).toMatch(/data is not a JSON value/);
    expect(await store.streamVersion('org:payload-bad')).toBe(0);
    for (const [i, e] of many.entries()) {
      const [stored] = await store.readStream(`org:payload-${i}`);
      expect([stored.data, stored.sources, stored.metadata]).toEqual([e.data, e.sources, e.metadata]);
    }
  });

  it('keeps a stream in submission order while groups are in flight, and notifies the new head', async () => {
    const listener = await db.pool.connect();
    const heads: string[] = [];
    listener.on('notification', (n) => heads.push(n.payload ?? ''));
    await listener.query('LISTEN newsroom_events');
    try {
      const ids = Array.from({ length: 30 }, () => randomUUID());
      // Interleaved with appends on other streams, so groups form and two are in flight.
      const appended = await Promise.all(
        ids.flatMap((id, i) => [
          store.append({ streamId: 'org:ordered', expectedVersion: 'any', events: [event({ eventId: id })] }),
          store.append({ streamId: `org:around-${i}`, expectedVersion: 0, events: [event(), event()] }),
        ]),
      );
      const ordered = appended.filter((_, k) => k % 2 === 0).map(([a]) => a);
      expect(ordered.map((a) => a.streamVersion)).toEqual(ids.map((_, i) => i + 1));
      expect(ordered.map((a) => a.eventId)).toEqual(ids);
      const positions = ordered.map((a) => BigInt(a.globalPosition));
      expect(positions.every((p, i) => i === 0 || p > positions[i - 1])).toBe(true);
      const head = await store.headPosition();
      await new Promise((r) => setTimeout(r, 200));
      expect(heads).toContain(String(head));
    } finally {
      listener.release();
    }
  });

  it('serves concurrent reads for writes from shared queries, each caller getting exactly its streams and ids', async () => {
    const ids = Array.from({ length: 40 }, () => randomUUID());
    await Promise.all(
      ids.map((id, i) => store.append({ streamId: `org:reads-${i % 8}`, expectedVersion: 'any', events: [event({ eventId: id })] })),
    );
    const queries = jest.spyOn(db.pool, 'query');
    try {
      const asks = ids.map((id, i) => ({ streams: [`org:reads-${i % 8}`, `org:reads-missing-${i}`], ids: [id, randomUUID()] }));
      const got = await Promise.all(asks.map((a) => store.readForWrite(a.streams, a.ids)));
      expect(queries.mock.calls.length).toBeLessThan(asks.length / 4);
      for (const [k, a] of asks.entries()) {
        expect([...got[k].streams.keys()]).toEqual(a.streams);
        for (const s of a.streams)
          expect(got[k].streams.get(s)!.map((e) => e.eventId)).toEqual((await store.readStream(s)).map((e) => e.eventId));
        expect([...got[k].existing.keys()]).toEqual([a.ids[0]]);
        expect(got[k].existing.get(a.ids[0])!.streamId).toBe(a.streams[0]);
      }
    } finally {
      queries.mockRestore();
    }
  });

  it('keeps the log append-only: updates and deletes are refused by the database', async () => {
    await expect(db.pool.query(`UPDATE event_store.events SET type = 'x'`)).rejects.toThrow(/append-only/);
    await expect(db.pool.query(`DELETE FROM event_store.events`)).rejects.toThrow(/append-only/);
  });

  it('never lets "all events after P" skip an event whose transaction commits late', async () => {
    const head = await store.headPosition();
    // Hold one append's transaction open at the point where it owns its position and has inserted its row.
    const held = await db.pool.connect();
    const lateId = randomUUID();
    await held.query('BEGIN');
    await held.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK_KEY]);
    await held.query(
      `INSERT INTO event_store.events (event_id, stream_id, stream_version, type, schema_version, recorded_at, data, content_hash)
       VALUES ($1, 'org:late', 1, 'headcount.reported', 1, clock_timestamp(), '{"total":1}', 'h')`,
      [lateId],
    );
    // Others append meanwhile: they wait for the position lock instead of taking a later position and committing first.
    const others = Promise.all([1, 2, 3].map((i) => store.append({ streamId: `org:other-${i}`, expectedVersion: 0, events: [event()] })));
    await new Promise((r) => setTimeout(r, 300));
    const whileHeld = await store.readAll(head, 100);
    expect(whileHeld).toHaveLength(0); // a reader sees nothing past the open transaction, so cannot move past it
    await held.query('COMMIT');
    held.release();
    await others;
    const after = await store.readAll(head, 100);
    expect(after.map((e) => e.eventId)[0]).toBe(lateId);
    expect(after).toHaveLength(4);
    const positions = after.map((e) => BigInt(e.globalPosition));
    expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
  });

  it('reads every committed event exactly once when paging with concurrent writers', async () => {
    const start = await store.headPosition();
    const writers = Array.from({ length: 8 }, (_, w) =>
      (async () => {
        for (let i = 0; i < 25; i++) await store.append({ streamId: `org:w-${w}`, expectedVersion: 'any', events: [event()] });
      })(),
    );
    const seen: string[] = [];
    let cursor = start;
    let writing = true;
    void Promise.all(writers).then(() => (writing = false));
    while (writing || (await store.readAll(cursor, 1)).length > 0) {
      const page = await store.readAll(cursor, 7);
      for (const e of page) seen.push(e.eventId);
      if (page.length) cursor = page[page.length - 1].globalPosition;
      else await new Promise((r) => setTimeout(r, 5));
    }
    expect(seen).toHaveLength(200);
    expect(new Set(seen).size).toBe(200);
  });
});
