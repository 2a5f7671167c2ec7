import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { ProjectionRebuilder } from '@newsroom/projections';
import { createTestDatabase, TestDatabase } from '@newsroom/testing';
import { OtherNames1764902710000 } from '../../../infra/postgres/migrations/1764902710000-other-names.migration';
import { applyLog, itFoldsTheFeedEveryWay } from './support/log-replay.util';
import { amendmentAppend, toAppend } from '../../../tests/fixtures/story.fixture';

const NBSP = '\u00a0';
const SOURCES = [{ outlet: 'Example Daily', language: 'en' }];
const fact = (id: string, type: string, subject: string, data: unknown, occurredAt: string | null = '2025-03') =>
  toAppend({ id, type, subject, occurredAt, data, sources: type.startsWith('entity.') ? [] : SOURCES });

/**
 * Names from the facts in another event's data (the fifty-sixth testers' limit): a product or case named beside an
 * event's subject (a merge's other side, who asks an authority to intervene) is called, in the feed's stored
 * headlines, what its announcement or filing said when the item was recorded, not its slug's name. Applied event by
 * event, in batches and by a rebuild, on real Postgres: the same headlines.
 */
describe("feed headlines: a product or case named in another event's data, by its facts' name (real Postgres)", () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PgEventStore;
  const ids = {
    pro: randomUUID(),
    widget: randomUUID(),
    merged: randomUUID(),
    filed: randomUUID(),
    caseMerged: randomUUID(),
    asked: randomUUID(),
    renamed: randomUUID(),
    askedAgain: randomUUID(),
    corrected: randomUUID(),
    unmerged: randomUUID(),
  };

  beforeAll(async () => {
    db = await createTestDatabase('other_names');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    store = new PgEventStore(db.pool);
    const announced = (name: string) => ({ organization: 'org:t56', name, features: [], status: 'announced' });
    await store.append(fact(ids.pro, 'product.announced', 'product:t56-pro', announced('Widget Pro X')));
    await store.append(fact(ids.widget, 'product.announced', 'product:t56-widget', announced('Widget One')));
    await store.append(fact(ids.merged, 'entity.merged', 'product:t56-widget', { into: 'product:t56-pro', reason: 'same' }, null));
    const filing = {
      title: { en: 'Doe v. Acme Corp', fr: 'Doe contre Acme' },
      plaintiffs: ['person:t56-doe'],
      defendants: ['org:t56'],
      claims: ['x'],
    };
    await store.append(fact(ids.filed, 'lawsuit.filed', 'case:t56-doe', filing, '2025-02'));
    // A case without a filing of its own merged into one with a title: named by its slug, the other side by the title.
    await store.append(fact(ids.caseMerged, 'entity.merged', 'case:t56-doe-2', { into: 'case:t56-doe', reason: 'same' }, null));
    const asking = { by: 'product:t56-pro', authority: 'authority:ftc', request: 'stop' };
    await store.append(fact(ids.asked, 'regulatory.intervention_requested', 'org:t56-rival', asking));
    // Renamed: items recorded later name it so; those recorded before keep the name it had then.
    const rename = { changes: { data: { name: 'Widget Pro Max' } }, reason: 'renamed at launch' };
    await store.append(amendmentAppend('product:t56-pro', 'corrected', ids.pro, rename, ids.renamed));
    await store.append(fact(ids.askedAgain, 'regulatory.intervention_requested', 'org:t56-other', asking));
    // A correction of the first request names its fact again, the product as it is called then.
    const fix = { changes: { data: { request: 'halt' } }, reason: 'the request was to halt' };
    await store.append(amendmentAppend('org:t56-rival', 'corrected', ids.asked, fix, ids.corrected));
    await store.append(fact(ids.unmerged, 'entity.unmerged', 'product:t56-widget', { from: 'product:t56-pro', reason: 'not' }, null));
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const headlines = async (id: string) =>
    (await ds.query(`SELECT headline_en, headline_fr FROM read_model.feed_items WHERE event_id = $1`, [id]))[0];

  const expectNames = async () => {
    expect(await headlines(ids.merged)).toEqual({
      headline_en: 'Widget One is the same entity as Widget Pro X',
      headline_fr: `Widget One et Widget Pro X${NBSP}: une même entité`,
    });
    expect(await headlines(ids.caseMerged)).toEqual({
      headline_en: 'T56 Doe 2 is the same entity as Doe v. Acme Corp',
      headline_fr: `T56 Doe 2 et Doe contre Acme${NBSP}: une même entité`,
    });
    expect((await headlines(ids.asked)).headline_en).toBe('Widget Pro X asks the FTC to intervene against T56 Rival');
    expect((await headlines(ids.askedAgain)).headline_en).toBe('Widget Pro Max asks the FTC to intervene against T56 Other');
    expect((await headlines(ids.corrected)).headline_en).toBe('Correction: Widget Pro Max asks the FTC to intervene against T56 Rival');
    expect((await headlines(ids.unmerged)).headline_en).toBe('Widget One is no longer merged with Widget Pro Max');
  };

  itFoldsTheFeedEveryWay(
    "products and cases named in another event's data are called what their facts said then",
    () => ({ store, ds }),
    'other-names-test',
    expectNames,
    ['feed_items', 'entities', 'entity_names'],
  );

  it('a feed stored before gets folded again in the background, which the migration queues', async () => {
    await ds.query(`TRUNCATE read_model.feed_items, read_model.entities, read_model.entity_names`);
    await applyLog(store, ds, { pageSize: 100, batched: true });
    // What the version before stored: the other side by its slug's name.
    await ds.query(`UPDATE read_model.feed_items SET headline_en = 'Widget One is the same entity as T56 Pro' WHERE event_id = $1`, [
      ids.merged,
    ]);
    await ds.query(`DELETE FROM read_model.projection_backfills`);
    await ds.query(`INSERT INTO read_model.projection_checkpoints (projection, topic, partition, last_position, last_offset)
      VALUES ('feed', 'other-names-test', 0, 10, 9) ON CONFLICT DO NOTHING`);
    const runner = ds.createQueryRunner();
    try {
      await new OtherNames1764902710000().up(runner);
    } finally {
      await runner.release();
    }
    expect(await ds.query(`SELECT projection FROM read_model.projection_backfills`)).toEqual([{ projection: 'feed' }]);
    await new ProjectionRebuilder(ds).rebuild({
      projections: ['feed'],
      topic: 'other-names-test',
      partitions: [0],
      concurrency: 2,
      batchSize: 2,
    });
    await expectNames();
    expect(await ds.query(`SELECT projection FROM read_model.projection_backfills`)).toEqual([]);
  });

  it('the migration queues nothing on a database whose events name no product or case a fact names beside their subject', async () => {
    const other = await createTestDatabase('other_names_none');
    const otherDs = await new DataSource({ type: 'postgres', url: other.url }).initialize();
    try {
      const otherStore = new PgEventStore(other.pool);
      const announced = { organization: 'org:t56', name: 'Widget Pro X', features: [], status: 'announced' };
      await otherStore.append(fact(randomUUID(), 'product.announced', 'product:t56-pro', announced));
      // A product named beside the subject, but no fact names that one: its slug's name was right.
      const asking = { by: 'product:t56-unnamed', authority: 'authority:ftc', request: 'stop' };
      await otherStore.append(fact(randomUUID(), 'regulatory.intervention_requested', 'org:t56-rival', asking));
      await otherDs.query(`DELETE FROM read_model.projection_backfills`);
      await otherDs.query(`INSERT INTO read_model.projection_checkpoints (projection, topic, partition, last_position, last_offset)
        VALUES ('feed', 'other-names-test', 0, 10, 9) ON CONFLICT DO NOTHING`);
      const runner = otherDs.createQueryRunner();
      try {
        await new OtherNames1764902710000().up(runner);
      } finally {
        await runner.release();
      }
      expect(await otherDs.query(`SELECT projection FROM read_model.projection_backfills`)).toEqual([]);
    } finally {
      await otherDs.destroy();
      await other.drop();
    }
  });
});
