import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { PROJECTION_NAMES, ProjectionRebuilder } from '@newsroom/projections';
import { createTestDatabase, eventToAppend, TestDatabase } from '@newsroom/testing';

/**
 * An operator's log holds events a newer release wrote (a type or schema version this code cannot read), after a
 * rolling deploy rolled back. The live projector sets them aside; a rebuild must too: it goes on, swaps in every other
 * event, and leaves a failure row per read model for each (kept by the swap), which `npm run replay -- --from-dlq`
 * applies once the code that reads them runs. It failed whole ("unknown event type"), so no read model could be rebuilt.
 */
describe('a rebuild over events this code cannot read (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const readable: string[] = [];
  const unreadable: string[] = [];

  const departed = (person: string, overrides: Record<string, unknown> = {}) => {
    const event = eventToAppend({
      data: { organization: 'org:openai', role: `Chief Officer ${person}`, roleCategory: 'c-suite', reason: 'resigned' },
      ...overrides,
    });
    (overrides.type || overrides.schemaVersion ? unreadable : readable).push(event.eventId);
    return { streamId: `person:unreadable-${person}`, expectedVersion: 'any' as const, events: [event] };
  };

  beforeAll(async () => {
    db = await createTestDatabase('rebuild_unreadable');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    const store = new PgEventStore(db.pool);
    // Two unreadable events in a row (a page of one event is wholly unreadable), one between readable ones, one last.
    await store.appendMany([
      departed('a'),
      departed('newer-1', { schemaVersion: 99 }),
      departed('newer-2', { type: 'widget.launched', data: { name: 'Widget' } }),
      departed('b'),
      departed('newer-3', { schemaVersion: 99 }),
      departed('c'),
      departed('newer-4', { type: 'widget.launched', data: { name: 'Gadget' } }),
    ]);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it.each([1, 1000])(
    'given pages of %i, when every read model is rebuilt, then it swaps in the rest and sets the four aside for each',
    async (batchSize) => {
      const result = await new ProjectionRebuilder(ds).rebuild({
        projections: PROJECTION_NAMES,
        topic: 'unreadable-test',
        partitions: [0],
        batchSize,
      });
      expect([result.events, result.failures]).toEqual([7, 4 * PROJECTION_NAMES.length]);
      const rows: Array<{ event_id: string; n: number }> = await ds.query(
        `SELECT event_id, count(*)::int AS n FROM read_model.projection_failures GROUP BY event_id ORDER BY event_id`,
      );
      expect(rows).toEqual([...unreadable].sort().map((id) => ({ event_id: id, n: PROJECTION_NAMES.length })));
      const feed: Array<{ event_id: string }> = await ds.query(`SELECT event_id FROM read_model.feed_items ORDER BY position`);
      expect(feed.map((r) => r.event_id)).toEqual(readable);
      const departures = await ds.query(`SELECT count(*)::int AS n FROM read_model.departures`);
      expect(departures).toEqual([{ n: 3 }]);
      const checkpoints: Array<{ last_position: string }> = await ds.query(
        `SELECT DISTINCT last_position::text FROM read_model.projection_checkpoints WHERE projection = ANY($1::text[])`,
        [PROJECTION_NAMES],
      );
      expect(checkpoints).toEqual([{ last_position: String(result.head) }]);
    },
  );
});
