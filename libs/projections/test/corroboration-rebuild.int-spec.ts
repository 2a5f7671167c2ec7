import { DataSource } from 'typeorm';
import { corroborationOf } from '@newsroom/domain';
import { PgEventStore } from '@newsroom/event-store';
import { CorroborationRecord, PROJECTION_NAMES, ProjectionRebuilder } from '@newsroom/projections';
import { createTestDatabase, TestDatabase } from '@newsroom/testing';
import { applyLog, readModelSnapshot } from './support/log-replay.util';
import { seedEnvelopes, sourcingAppend, storyAppends } from '../../../tests/fixtures/story.fixture';

/**
 * Attached sources (event.sourced) on real Postgres: applying the log event by event and rebuilding it from the
 * store give the same tables, and the fact's entries count outlets once (a syndicated copy as the outlet it reprints).
 */
describe('corroboration read model: incremental equals rebuild with attached sources (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PgEventStore;
  let target: { id: string; subject: string; outlet: string };

  const entriesOf = async (eventId: string): Promise<CorroborationRecord[]> =>
    (await ds.query(`SELECT corroboration FROM read_model.feed_items WHERE event_id = $1`, [eventId]))[0].corroboration;

  beforeAll(async () => {
    db = await createTestDatabase('corroboration');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    store = new PgEventStore(db.pool);
    const seed = seedEnvelopes();
    await store.appendMany(storyAppends(seed));
    // The story file's events are loosely typed JSON: only these fields are read here.
    const envelopes = seed as unknown as Array<{ id: string; type: string; subject: string; sources: Array<{ outlet: string }> }>;
    const departed = envelopes.find((e) => e.type === 'executive.departed');
    if (!departed) throw new Error('the seed story has a departure');
    target = { id: departed.id, subject: departed.subject, outlet: departed.sources[0].outlet };
    await store.append(
      sourcingAppend(target.subject, target.id, { outlet: 'Second Wire', language: 'en', publishedAt: '2024-09-26' }, 'confirms'),
    );
    await store.append(
      sourcingAppend(target.subject, target.id, { outlet: 'Regional Herald', language: 'en', via: 'Second Wire' }, 'confirms'),
    );
    await store.append(sourcingAppend(target.subject, target.id, { outlet: 'Skeptic Post', language: 'fr' }, 'denies'));
    // Applied event by event, in log order (what the live projector does per partition).
    await applyLog(store, ds, { pageSize: 100, batched: false });
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('counts the fact own source and the attached ones: distinct outlets, via once, confirms and denies', async () => {
    const entries = await entriesOf(target.id);
    expect(entries.map((e) => [e.key, e.stance])).toEqual([
      [target.outlet.toLowerCase(), 'confirms'],
      ['second wire', 'confirms'],
      ['second wire', 'confirms'],
      ['skeptic post', 'denies'],
    ]);
    expect(corroborationOf(entries)).toMatchObject({ outlets: 3, confirms: 2, denies: 1 });
    const [view] = await ds.query(`SELECT outlets::int, confirms::int, denies::int FROM reporting.fact_corroboration WHERE fact_id = $1`, [
      target.id,
    ]);
    expect(view).toEqual({ outlets: 3, confirms: 2, denies: 1 });
  });

  it('the event.sourced feed items name their target and carry its entries as they stood then', async () => {
    const items: Array<{ target_event_id: string; corroboration: CorroborationRecord[]; headline_en: string }> = await ds.query(
      `SELECT target_event_id, corroboration, headline_en FROM read_model.feed_items WHERE type = 'event.sourced' ORDER BY position`,
    );
    expect(items.map((i) => [i.target_event_id, i.corroboration.length])).toEqual([
      [target.id, 2],
      [target.id, 3],
      [target.id, 4],
    ]);
    expect(items[2].headline_en).toMatch(/^Skeptic Post denies: /);
  });

  it('a rebuild from the event store gives the same tables as the incremental fold', async () => {
    const incremental = await readModelSnapshot(ds);
    await new ProjectionRebuilder(ds).rebuild({
      projections: PROJECTION_NAMES,
      topic: 'corroboration-test',
      partitions: [0],
      concurrency: 2,
      batchSize: 7,
    });
    expect(await readModelSnapshot(ds)).toEqual(incremental);
  });
});
