import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { createTestDatabase, eventToAppend, TestDatabase } from '@newsroom/testing';
import { replayFailures } from '../src/replay/replay-failures.command';

/**
 * A replay takes each failure row with a DELETE in the transaction that applies it. TypeORM answers a DELETE with
 * [rows, rowCount], always two long, and the replay read that length as "taken": a row another replay or a rebuild's
 * swap had resolved meanwhile was applied again and reported as applied.
 */
describe('replay: a failed position resolved meanwhile (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('replay_meanwhile');
    ds = await new DataSource({ type: 'postgres', url: db.url, extra: { max: 2 } }).initialize();
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('is neither applied nor counted; what it did take is', async () => {
    const [first, second] = [eventToAppend(), eventToAppend()];
    await new PgEventStore(db.pool).append({ streamId: 'person:meanwhile', expectedVersion: 0, events: [first, second] });
    await db.pool.query(
      `INSERT INTO read_model.projection_failures (projection, position, event_id, type, error)
       SELECT 'feed', e.global_position, e.event_id, e.type, 'failed live' FROM event_store.events e`,
    );
    // Someone else (a rebuild's swap, say) resolves the first position: its DELETE is in, not yet committed, when
    // the replay reads its work, and commits once it has (the replay's own DELETE of it waits for that, then finds none).
    const other = await db.pool.connect();
    await other.query('BEGIN');
    await other.query(`DELETE FROM read_model.projection_failures WHERE event_id = $1`, [first.eventId]);
    const lines: string[] = [];
    const result = await replayFailures(ds, {
      write: (line) => {
        lines.push(line);
        if (/failed \(projection, position\) pairs/.test(line)) void other.query('COMMIT');
      },
    }).finally(() => other.release());
    expect(result.replayed.map((r) => r.eventId)).toEqual([second.eventId]);
    expect(lines.join('\n')).toMatch(/done: 1 applied, 0 still failing/);
    expect((await db.pool.query('SELECT event_id FROM read_model.feed_items')).rows).toEqual([{ event_id: second.eventId }]);
    expect((await db.pool.query('SELECT * FROM read_model.projection_failures')).rows).toEqual([]);
  });
});
