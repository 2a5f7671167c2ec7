import { randomUUID } from 'node:crypto';
import { EventToAppend, PgEventStore, WrongExpectedVersionError } from '@newsroom/event-store';
import { createTestDatabase, eventToAppend, TestDatabase } from '@newsroom/testing';

const event = (overrides: Partial<EventToAppend> = {}): EventToAppend =>
  eventToAppend({ type: 'headcount.reported', data: { total: 1600 }, ...overrides });
const amendment = (type: 'event.corrected' | 'event.retracted', targetEventId: string): EventToAppend =>
  event({ type, data: { targetEventId, reason: 'r' }, occurredAt: null, occurredStart: null, occurredEnd: null });

describe('PgEventStore: kept stream states (event_store.stream_states) and the reads a write starts from', () => {
  let db: TestDatabase;
  let store: PgEventStore;
  const row = async (streamId: string) =>
    (await db.pool.query('SELECT version, state_schema, state FROM event_store.stream_states WHERE stream_id = $1', [streamId])).rows[0];

  beforeAll(async () => {
    db = await createTestDatabase('stream_states');
    store = new PgEventStore(db.pool);
  });
  afterAll(() => db.drop());

  it('keeps the state an append carries at the version the append brings the stream to, and nothing for an append without one', async () => {
    await store.append({ streamId: 'org:kept', expectedVersion: 0, events: [event(), event()], state: { schema: 7, data: { n: 2 } } });
    expect(await row('org:kept')).toEqual({ version: 2, state_schema: 7, state: { n: 2 } });
    await store.append({ streamId: 'org:kept', expectedVersion: 2, events: [event()], state: { schema: 7, data: { n: 3 } } });
    expect(await row('org:kept')).toEqual({ version: 3, state_schema: 7, state: { n: 3 } });
    await store.append({ streamId: 'org:kept', expectedVersion: 'any', events: [event()] });
    expect(await row('org:kept')).toEqual({ version: 3, state_schema: 7, state: { n: 3 } });
    const reads = await store.readWriteState(['org:kept', 'org:none'], [], []);
    expect(reads.heads.get('org:kept')).toEqual({ version: 4, state: { version: 3, schema: 7, data: { n: 3 } } });
    expect(reads.heads.get('org:none')).toEqual({ version: 0, state: null });
  });

  it('writes no state for a submission whose version check fails, in a group with one that passes', async () => {
    await store.append({ streamId: 'org:group-a', expectedVersion: 0, events: [event()], state: { schema: 1, data: { a: 1 } } });
    await store.append({ streamId: 'org:group-b', expectedVersion: 0, events: [event()], state: { schema: 1, data: { b: 1 } } });
    // Submitted together, so the group committer may put them in one statement.
    const [stale, fresh] = await Promise.allSettled([
      store.append({ streamId: 'org:group-a', expectedVersion: 0, events: [event()], state: { schema: 1, data: { a: 'stale' } } }),
      store.append({ streamId: 'org:group-b', expectedVersion: 1, events: [event()], state: { schema: 1, data: { b: 2 } } }),
    ]);
    expect(stale.status === 'rejected' && stale.reason).toBeInstanceOf(WrongExpectedVersionError);
    expect(fresh.status).toBe('fulfilled');
    expect(await row('org:group-a')).toMatchObject({ version: 1, state: { a: 1 } });
    expect(await row('org:group-b')).toMatchObject({ version: 2, state: { b: 2 } });
  });

  it('keeps the state of each stream of an all-or-nothing append, and none when the append fails', async () => {
    const id = randomUUID();
    await store.appendMany([
      { streamId: 'org:story-1', expectedVersion: 0, events: [event({ eventId: id })], state: { schema: 1, data: { s: 1 } } },
      { streamId: 'org:story-2', expectedVersion: 0, events: [event()], state: { schema: 1, data: { s: 2 } } },
    ]);
    expect((await row('org:story-1')).state).toEqual({ s: 1 });
    expect((await row('org:story-2')).state).toEqual({ s: 2 });
    // A reused id fails the whole append: neither the events nor the states move.
    await expect(
      store.appendMany([
        { streamId: 'org:story-1', expectedVersion: 1, events: [event()], state: { schema: 1, data: { s: 'x' } } },
        { streamId: 'org:story-3', expectedVersion: 0, events: [event({ eventId: id })], state: { schema: 1, data: { s: 'y' } } },
      ]),
    ).rejects.toThrow();
    expect(await row('org:story-1')).toMatchObject({ version: 1, state: { s: 1 } });
    expect(await row('org:story-3')).toBeUndefined();
  });

  it('reads the events a write names: the event and the corrections and retractions naming it, and the ids already stored', async () => {
    const [target, other] = [randomUUID(), randomUUID()];
    await store.append({ streamId: 'org:named', expectedVersion: 0, events: [event({ eventId: target }), event({ eventId: other })] });
    const fix = amendment('event.corrected', target);
    const pull = amendment('event.retracted', target);
    await store.append({ streamId: 'org:named', expectedVersion: 2, events: [fix, amendment('event.corrected', other), pull] });
    const reads = await store.readWriteState(['org:named'], [other, randomUUID()], [target, randomUUID(), 'not-a-uuid']);
    expect(reads.heads.get('org:named')).toEqual({ version: 5, state: null });
    expect([...reads.existing.keys()]).toEqual([other]);
    expect([...reads.named.keys()]).toEqual([target]);
    expect(
      reads.named
        .get(target)!
        .map((e) => e.eventId)
        .sort(),
    ).toEqual([target, fix.eventId, pull.eventId].sort());
  });

  it('can find the amendments of an event through the partial index, not by reading the stream', async () => {
    // On this small table a sequential scan is cheaper; turned off, the plan shows the index answers the query's shape.
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL enable_seqscan = off');
      const plan = await client.query(
        `EXPLAIN (FORMAT JSON) SELECT event_id FROM event_store.events WHERE data ? 'targetEventId' AND data->>'targetEventId' = ANY($1::text[])`,
        [[randomUUID()]],
      );
      expect(JSON.stringify(plan.rows[0])).toContain('events_target_event_idx');
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('shares one query between concurrent writers asking for heads, ids and named events', async () => {
    const queries = jest.spyOn(db.pool, 'query');
    try {
      const got = await Promise.all(
        Array.from({ length: 40 }, (_, i) => store.readWriteState([`org:kept`, `org:c-${i}`], [randomUUID()], [randomUUID()])),
      );
      expect(queries.mock.calls.length).toBeLessThan(10);
      got.forEach((g, i) => expect([...g.heads.keys()]).toEqual(['org:kept', `org:c-${i}`]));
    } finally {
      queries.mockRestore();
    }
  });
});
