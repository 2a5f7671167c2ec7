import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { corroborationOf } from '@newsroom/domain';
import { PgEventStore } from '@newsroom/event-store';
import { ProjectionRebuilder } from '@newsroom/projections';
import { applyMigration, createTestDatabase, TestDatabase } from '@newsroom/testing';
import { GreekNamesCase1764902790000 } from '../../../infra/postgres/migrations/1764902790000-greek-names-case.migration';
import { applyLog, markFolded } from './support/log-replay.util';
import { sourcingAppend, toAppend } from '../../../tests/fixtures/story.fixture';

const TOPIC = 'greek-names-test';
// Kathimerini as written, in capitals (which Greek writes without the tonos), and in small letters: one outlet to a
// reader. Its capital Nu was drawn as N and its small nu as v: two keys before the sixty-first session.
const WRITTEN = '\u039a\u03b1\u03b8\u03b7\u03bc\u03b5\u03c1\u03b9\u03bd\u03ae';
const CAPITALS = '\u039a\u0391\u0398\u0397\u039c\u0395\u03a1\u0399\u039d\u0397';
const SMALL = '\u03ba\u03b1\u03b8\u03b7\u03bc\u03b5\u03c1\u03b9\u03bd\u03ae';
// "New York Times" with a Greek capital Nu swapped in: still the Latin outlet.
const SPOOF = '\u039dew York Times';

/**
 * An editor who cites a Greek outlet under its name and under its capitals does not make it two: the feed's stored
 * corroboration keys (what `?minOutlets=` counts, what each item's `corroboration.outlets` counts) and the sources
 * registry's outlet key fold the case of a Greek word first, while a Greek letter swapped into a Latin name still folds
 * as the Latin letter it is drawn as; a database whose keys were stored before gets both folded again in the
 * background, which the migration queues.
 */
describe('a Greek outlet name and its capitals are one outlet in the stored keys (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PgEventStore;
  const factId = randomUUID();

  const entries = async (): Promise<{ key: string; outlet: string; stance: 'confirms' | 'denies' }[]> =>
    await ds.query(
      `SELECT e->>'key' AS key, e->>'outlet' AS outlet, e->>'stance' AS stance
           FROM read_model.feed_items f CROSS JOIN LATERAL jsonb_array_elements(f.corroboration) e WHERE f.event_id = $1`,
      [factId],
    );
  const feedKeys = async () => [...new Set((await entries()).map((e) => e.key))].sort();
  const outletKeys = async () =>
    (await ds.query(`SELECT DISTINCT outlet_key FROM read_model.sources ORDER BY outlet_key`)).map(
      (r: { outlet_key: string }) => r.outlet_key,
    );

  beforeAll(async () => {
    db = await createTestDatabase('greek_names');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    store = new PgEventStore(db.pool);
    const data = { money: { amount: '1000', currency: 'EUR' }, period: '2025', basis: 'actual' };
    await store.append(
      toAppend({
        id: factId,
        type: 'financial.loss_reported',
        subject: 'org:t61',
        occurredAt: '2025-03',
        data,
        sources: [{ outlet: WRITTEN, language: 'el', url: 'https://kathimerini.example/a' }],
      }),
    );
    await store.append(
      sourcingAppend('org:t61', factId, { outlet: CAPITALS, language: 'el', url: 'https://kathimerini.example/b' }, 'confirms'),
    );
    await store.append(
      sourcingAppend('org:t61', factId, { outlet: SMALL, language: 'el', url: 'https://kathimerini.example/c' }, 'confirms'),
    );
    await store.append(
      sourcingAppend('org:t61', factId, { outlet: 'New York Times', language: 'en', url: 'https://nyt.example/a' }, 'confirms'),
    );
    await store.append(sourcingAppend('org:t61', factId, { outlet: SPOOF, language: 'en', url: 'https://nyt.example/b' }, 'confirms'));
    await applyLog(store, ds, { pageSize: 100, batched: true });
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('the feed counts two outlets where five names were cited, and the registry keys them as two', async () => {
    const keys = await feedKeys();
    expect(keys).toHaveLength(2);
    expect(keys).toContain('new york times');
    expect(await outletKeys()).toEqual(keys);
    // What a reader of the feed item sees: two outlets, both confirming.
    const counted = corroborationOf((await entries()).map((e) => ({ outlet: e.outlet, stance: e.stance })));
    expect(counted).toMatchObject({ outlets: 2, confirms: 2, denies: 0 });
  });

  it('keys stored before are folded again in the background, which the migration queues', async () => {
    // What the version before stored for the capitals: the capital Nu drawn as N.
    const before = (await feedKeys()).find((k) => k !== 'new york times')!.replace('v', 'n');
    await ds.query(
      `UPDATE read_model.feed_items SET corroboration = (
         SELECT jsonb_agg(CASE WHEN e->>'outlet' = $2 THEN jsonb_set(e, '{key}', to_jsonb($3::text)) ELSE e END)
           FROM jsonb_array_elements(corroboration) e) WHERE event_id = $1`,
      [factId, CAPITALS, before],
    );
    await ds.query(`UPDATE read_model.sources SET outlet_key = $2 WHERE outlet = $1`, [CAPITALS, before]);
    expect(await feedKeys()).toHaveLength(3);
    await ds.query(`DELETE FROM read_model.projection_backfills`);
    await markFolded(ds, TOPIC, ['feed', 'sources']);
    await applyMigration(ds, new GreekNamesCase1764902790000());
    expect(await ds.query(`SELECT projection FROM read_model.projection_backfills ORDER BY projection`)).toEqual([
      { projection: 'feed' },
      { projection: 'sources' },
    ]);
    await new ProjectionRebuilder(ds).rebuild({
      projections: ['feed', 'sources'],
      topic: TOPIC,
      partitions: [0],
      concurrency: 2,
      batchSize: 2,
    });
    expect(await feedKeys()).toHaveLength(2);
    expect(await outletKeys()).toEqual(await feedKeys());
    expect(await ds.query(`SELECT projection FROM read_model.projection_backfills`)).toEqual([]);
  });

  it('the migration queues nothing on a database with no outlet written in Greek', async () => {
    const other = await createTestDatabase('greek_names_none');
    const otherDs = await new DataSource({ type: 'postgres', url: other.url }).initialize();
    try {
      const otherStore = new PgEventStore(other.pool);
      const data = { money: { amount: '1000', currency: 'USD' }, period: '2025', basis: 'actual' };
      const sources = [{ outlet: '\u0412\u0435\u0434\u043e\u043c\u043e\u0441\u0442\u0438', language: 'ru' }];
      await otherStore.append(
        toAppend({ id: randomUUID(), type: 'financial.loss_reported', subject: 'org:t61', occurredAt: '2025', data, sources }),
      );
      await applyLog(otherStore, otherDs, { pageSize: 100, batched: true });
      await otherDs.query(`DELETE FROM read_model.projection_backfills`);
      await markFolded(otherDs, TOPIC, ['feed', 'sources']);
      await applyMigration(otherDs, new GreekNamesCase1764902790000());
      expect(await otherDs.query(`SELECT projection FROM read_model.projection_backfills`)).toEqual([]);
    } finally {
      await otherDs.destroy();
      await other.drop();
    }
  });
});
