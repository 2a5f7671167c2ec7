import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { ProjectionRebuilder } from '@newsroom/projections';
import { createTestDatabase, eventToAppend, pollUntil, TEST_KAFKA_BROKERS, TestDatabase, testTopics } from '@newsroom/testing';
import { loadProjectorConfig } from '../src/config/projector.config';
import { ReadModelBackfill } from '../src/projector/read-model-backfill.service';

/**
 * The backfill of a read model added to a running system (read-model-backfill.service.ts), on a log long enough to
 * stop the projector in the middle of it: the projector stops at once, the intent stays, and the next start folds
 * the whole history in. The stack-level story (a report filled by itself) is in tests/e2e/cli.e2e-spec.ts.
 */
describe('read model backfill: stopped midway, taken up again (real Postgres)', () => {
  const EVENTS = 20_000;
  let db: TestDatabase;
  let ds: DataSource;
  const { prefix, topics } = testTopics('backfill');
  const config = () =>
    loadProjectorConfig({ DATABASE_URL: db.url, KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(','), KAFKA_TOPIC_PREFIX: prefix });
  const intents = async () =>
    (await ds.query('SELECT projection FROM read_model.projection_backfills')).map((r: { projection: string }) => r.projection);
  const departures = async () => Number((await ds.query('SELECT count(*) AS n FROM read_model.departures'))[0].n);

  beforeAll(async () => {
    db = await createTestDatabase('backfill');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    const store = new PgEventStore(db.pool);
    for (let i = 0; i < EVENTS; i += 1000)
      await store.appendMany(
        Array.from({ length: 1000 }, (_, j) => ({
          streamId: `person:backfill-${i + j}`,
          expectedVersion: 'any' as const,
          events: [
            eventToAppend({ data: { organization: 'org:openai', role: `Officer ${i + j}`, roleCategory: 'c-suite', reason: 'resigned' } }),
          ],
        })),
      );
    // The other read models have run: the feed holds the whole log (its checkpoints say so); departures is new.
    await new ProjectionRebuilder(ds).rebuild({ projections: ['feed'], topic: topics.events, partitions: [0, 1, 2, 3, 4, 5] });
  }, 180_000);
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('records the intent before the first batch, stops within seconds when the projector stops, and the next start folds it all', async () => {
    const first = new ReadModelBackfill(config(), ds, ['feed', 'departures']);
    await first.prepare(topics.events);
    expect(await intents()).toEqual(['departures']);

    first.start();
    // Under way: its shadow table is filling.
    await pollUntil(
      async () =>
        (await ds.query(`SELECT to_regclass('read_model.departures_next') IS NOT NULL AS ok`))[0].ok &&
        Number((await ds.query('SELECT count(*) AS n FROM read_model.departures_next'))[0].n) > 0,
      { timeoutMs: 60_000, intervalMs: 20, what: 'the backfill folding' },
    );
    const stopping = Date.now();
    await first.close();
    expect(Date.now() - stopping).toBeLessThan(10_000);
    expect(await intents()).toEqual(['departures']);
    expect(await departures()).toBe(0);

    // The next start: nothing new to find (no checkpoint was written), the intent is taken up.
    const second = new ReadModelBackfill(config(), ds, ['feed', 'departures']);
    await second.prepare(topics.events);
    second.start();
    await pollUntil(async () => (await intents()).length === 0, { timeoutMs: 120_000, what: 'the backfill done' });
    await second.close();
    expect(await departures()).toBe(EVENTS);
    const checkpoints = await ds.query(
      `SELECT DISTINCT last_position::text AS p FROM read_model.projection_checkpoints WHERE projection = 'departures' AND topic = $1`,
      [topics.events],
    );
    expect(checkpoints).toEqual([{ p: String(EVENTS) }]);
  }, 240_000);
});
