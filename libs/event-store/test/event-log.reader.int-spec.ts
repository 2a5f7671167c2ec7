import { EventLogReader, EventToAppend, PgEventStore } from '@newsroom/event-store';
import { createTestDatabase, eventToAppend, TestDatabase } from '@newsroom/testing';

const event = (): EventToAppend => eventToAppend({ type: 'headcount.reported', data: { total: 1600 } });

describe('EventLogReader: the reads of the log, on a pg pool or a TypeORM-style connection', () => {
  let db: TestDatabase;
  let store: PgEventStore;
  let positions: string[];
  // A connection that answers rows, as a TypeORM DataSource or EntityManager does.
  const rowsOnly = () => ({ query: async (sql: string, params?: unknown[]) => (await db.pool.query(sql, params)).rows });

  beforeAll(async () => {
    db = await createTestDatabase('event_log_reader');
    store = new PgEventStore(db.pool);
    const appended = [];
    for (let i = 0; i < 7; i++)
      appended.push(...(await store.append({ streamId: `org:r${i % 2}`, expectedVersion: 'any', events: [event()] })));
    positions = appended.map((a) => a.globalPosition);
  });
  afterAll(() => db.drop());

  it.each([
    ['pg pool', () => new EventLogReader(db.pool)],
    ['rows-answering connection', () => new EventLogReader(rowsOnly())],
  ])('reads ranges, pages, positions and the head (%s)', async (_name, make) => {
    const log = make();
    expect(await log.head()).toBe(positions[6]);
    expect((await log.readAll({ after: 0, limit: 100 })).map((e) => e.globalPosition)).toEqual(positions);
    expect((await log.readAll({ after: positions[1], limit: 2 })).map((e) => e.globalPosition)).toEqual(positions.slice(2, 4));
    expect((await log.readAll({ after: positions[1], upTo: positions[3], limit: 100 })).map((e) => e.globalPosition)).toEqual(
      positions.slice(2, 4),
    );
    expect((await log.readAll({ after: positions[1], before: positions[3], limit: 100 })).map((e) => e.globalPosition)).toEqual([
      positions[2],
    ]);
    expect((await log.readAll({ after: positions[4], before: null, limit: 100 })).map((e) => e.globalPosition)).toEqual(positions.slice(5));
    const pages: string[][] = [];
    for await (const page of log.pages({ after: 0, before: null, pageSize: 3 })) pages.push(page.map((e) => e.globalPosition));
    expect(pages).toEqual([positions.slice(0, 3), positions.slice(3, 6), positions.slice(6)]);
    const some = await log.readByPositions([positions[5], positions[0], '999999']);
    expect(some.map((e) => e.globalPosition).sort()).toEqual([positions[0], positions[5]].sort());
    expect(await log.readByPositions([])).toEqual([]);
    const first = (await log.readAll({ after: 0, limit: 1 }))[0];
    expect(await log.readById(first.eventId)).toEqual(first);
    expect((await log.readStream('org:r0')).map((e) => e.streamVersion)).toEqual([1, 2, 3, 4]);
    expect(await log.countInStreamAfter('org:r1', positions[1])).toBe(2);
    expect(await log.storeId()).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("reads a relay's checkpoint and the events after it in one statement (none saved yet, partway, at the head)", async () => {
    const log = new EventLogReader(db.pool);
    const topic = `relay-topic-${Date.now()}`;
    const all = await log.readAll({ after: 0, limit: 100 });
    expect(await log.unpublished(topic, 3)).toEqual({ checkpoint: '0', events: all.slice(0, 3) });
    await db.pool.query('INSERT INTO event_store.relay_checkpoints (name, position) VALUES ($1, $2)', [topic, positions[4]]);
    expect(await log.unpublished(topic, 100)).toEqual({ checkpoint: positions[4], events: all.slice(5) });
    await db.pool.query('UPDATE event_store.relay_checkpoints SET position = $2 WHERE name = $1', [topic, positions[6]]);
    expect(await log.unpublished(topic, 100)).toEqual({ checkpoint: positions[6], events: [] });
    expect(await log.publishedUpTo(topic)).toBe(positions[6]);
  });

  it('answers the same events as the store it reads for', async () => {
    expect(await new EventLogReader(db.pool).readAll({ after: 0, limit: 100 })).toEqual(await store.readAll(0, 100));
    expect(await store.storeId()).toBe(await new EventLogReader(db.pool).storeId());
  });
});
