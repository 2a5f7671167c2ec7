import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { ProjectionRebuilder } from '@newsroom/projections';
import { applyMigration, createTestDatabase, TestDatabase } from '@newsroom/testing';
import { OutletLookAlikes1764902770000 } from '../../../infra/postgres/migrations/1764902770000-outlet-look-alikes.migration';
import { applyLog, markFolded } from './support/log-replay.util';
import { sourcingAppend, toAppend } from '../../../tests/fixtures/story.fixture';

const TOPIC = 'look-alikes-test';
// "Le Monde" with a Cyrillic small e, with a Greek capital omicron, with a combining grapheme joiner: one outlet to a
// reader.
const CYRILLIC_E = 'L\u0435 Monde';
const GREEK_O = 'Le M\u039fnde';
const JOINER = 'Le Mo\u034fnde';

/**
 * A bot that cites one outlet under a name with a swapped letter of another script does not make it two: the feed's
 * stored corroboration keys (what `?minOutlets=` counts) and the sources registry's outlet key fold those letters,
 * and a database whose keys were stored before gets both folded again in the background, which the migration queues.
 */
describe('outlets written with look-alike letters of another script are one outlet in the stored keys (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PgEventStore;
  const factId = randomUUID();

  const feedKeys = async () =>
    (
      await ds.query(
        `SELECT array_agg(DISTINCT e->>'key' ORDER BY e->>'key') AS keys
           FROM read_model.feed_items f CROSS JOIN LATERAL jsonb_array_elements(f.corroboration) e WHERE f.event_id = $1`,
        [factId],
      )
    )[0].keys;
  const outletKeys = async () =>
    (await ds.query(`SELECT DISTINCT outlet_key FROM read_model.sources ORDER BY outlet_key`)).map(
      (r: { outlet_key: string }) => r.outlet_key,
    );

  beforeAll(async () => {
    db = await createTestDatabase('look_alikes');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    store = new PgEventStore(db.pool);
    const data = { money: { amount: '1000', currency: 'USD' }, period: '2025', basis: 'actual' };
    await store.append(
      toAppend({
        id: factId,
        type: 'financial.loss_reported',
        subject: 'org:t59',
        occurredAt: '2025-03',
        data,
        sources: [{ outlet: 'Le Monde', language: 'fr', url: 'https://lemonde.example/a' }],
      }),
    );
    await store.append(
      sourcingAppend('org:t59', factId, { outlet: CYRILLIC_E, language: 'fr', url: 'https://lemonde.example/b' }, 'confirms'),
    );
    await store.append(
      sourcingAppend('org:t59', factId, { outlet: GREEK_O, language: 'fr', url: 'https://lemonde.example/c' }, 'confirms'),
    );
    await store.append(sourcingAppend('org:t59', factId, { outlet: JOINER, language: 'fr', url: 'https://lemonde.example/d' }, 'confirms'));
    await store.append(
      sourcingAppend('org:t59', factId, { outlet: 'Le Figaro', language: 'fr', url: 'https://lefigaro.example/a' }, 'confirms'),
    );
    await applyLog(store, ds, { pageSize: 100, batched: true });
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('the feed counts two outlets where five names were cited, and the registry keys them as two', async () => {
    expect(await feedKeys()).toEqual(['le figaro', 'le monde']);
    expect(await outletKeys()).toEqual(['le figaro', 'le monde']);
  });

  it('keys stored before are folded again in the background, which the migration queues', async () => {
    // What the version before stored: the swapped letter kept in the key.
    await ds.query(
      `UPDATE read_model.feed_items SET corroboration = (
         SELECT jsonb_agg(CASE WHEN e->>'outlet' = $2 THEN jsonb_set(e, '{key}', to_jsonb(lower($2::text))) ELSE e END)
           FROM jsonb_array_elements(corroboration) e) WHERE event_id = $1`,
      [factId, CYRILLIC_E],
    );
    await ds.query(`UPDATE read_model.sources SET outlet_key = lower(outlet) WHERE outlet = $1`, [CYRILLIC_E]);
    expect(await feedKeys()).toHaveLength(3);
    await ds.query(`DELETE FROM read_model.projection_backfills`);
    await markFolded(ds, TOPIC, ['feed', 'sources']);
    await applyMigration(ds, new OutletLookAlikes1764902770000());
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
    expect(await feedKeys()).toEqual(['le figaro', 'le monde']);
    expect(await outletKeys()).toEqual(['le figaro', 'le monde']);
    expect(await ds.query(`SELECT projection FROM read_model.projection_backfills`)).toEqual([]);
  });

  it('the migration queues nothing on a database whose keys hold no such letter', async () => {
    const other = await createTestDatabase('look_alikes_none');
    const otherDs = await new DataSource({ type: 'postgres', url: other.url }).initialize();
    try {
      const otherStore = new PgEventStore(other.pool);
      const data = { money: { amount: '1000', currency: 'USD' }, period: '2025', basis: 'actual' };
      // A Russian outlet's own name keeps its letters that are drawn as no Latin one: no key to fold again.
      const sources = [{ outlet: '\u0412\u0435\u0434\u043e\u043c\u043e\u0441\u0442\u0438', language: 'ru' }];
      await otherStore.append(
        toAppend({ id: randomUUID(), type: 'financial.loss_reported', subject: 'org:t59', occurredAt: '2025', data, sources }),
      );
      await applyLog(otherStore, otherDs, { pageSize: 100, batched: true });
      await otherDs.query(`DELETE FROM read_model.projection_backfills`);
      await markFolded(otherDs, TOPIC, ['feed', 'sources']);
      await applyMigration(otherDs, new OutletLookAlikes1764902770000());
      expect(await otherDs.query(`SELECT projection FROM read_model.projection_backfills`)).toEqual([]);
    } finally {
      await otherDs.destroy();
      await other.drop();
    }
  });
});
