import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { ProjectionRebuilder } from '@newsroom/projections';
import { createTestDatabase, TestDatabase } from '@newsroom/testing';
import { EntityNames1764902400000 } from '../../../infra/postgres/migrations/1764902400000-entity-names.migration';
import { ReportingAgreesWithApi1764902600000 } from '../../../infra/postgres/migrations/1764902600000-reporting-agrees-with-api.migration';
import { applyLog, itFoldsTheFeedEveryWay } from './support/log-replay.util';
import { amendmentAppend, toAppend } from '../../../tests/fixtures/story.fixture';

const NBSP = '\u00a0';
const SOURCES = [{ outlet: 'Example Daily', language: 'en' }];
const fact = (id: string, type: string, subject: string, data: unknown, occurredAt: string | null = '2025-03') =>
  toAppend({ id, type, subject, occurredAt, data, sources: type.startsWith('entity.') ? [] : SOURCES });

/**
 * Names from the facts: a product is named by its announcement (`product:t51-widget` is "T1 Widget Pro", not "T51
 * Widget"), a case by its filing's title, in the entity registry and in the feed's stored headlines; a correction of the
 * name renames it from then on (the registry keeps each version with when it was known), a retraction falls back to
 * the slug's name. Applied event by event, in batches, by a rebuild, and by the fold the migration queues, on real
 * Postgres: the same names.
 */
describe('entity registry: a product named by its announcement, a case by its filing (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PgEventStore;
  const ids = {
    product: randomUUID(),
    filed: randomUUID(),
    motion: randomUUID(),
    retitled: randomUUID(),
    settled: randomUUID(),
    renamed: randomUUID(),
    aliased: randomUUID(),
    gadget: randomUUID(),
    gadgetGone: randomUUID(),
  };

  beforeAll(async () => {
    db = await createTestDatabase('entity_names');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    store = new PgEventStore(db.pool);
    const product = { organization: 'org:t51', name: 'T1 Widget Pro', features: [], status: 'announced' };
    await store.append(fact(ids.product, 'product.announced', 'product:t51-widget', product));
    const filing = {
      title: { en: 'Doe v. Acme Corp', fr: 'Doe contre Acme' },
      plaintiffs: ['person:t51-doe'],
      defendants: ['org:t51'],
      claims: ['x'],
    };
    await store.append(fact(ids.filed, 'lawsuit.filed', 'case:t51-doe', filing, '2025-02'));
    await store.append(fact(ids.motion, 'lawsuit.status_changed', 'case:t51-doe', { status: 'motion_filed' }, '2025-04'));
    // The English title corrected: the French one stays (the correction merges into the per-language title).
    const retitle = { changes: { data: { title: { en: 'Doe v. Acme Inc.' } } }, reason: 'the company is Acme Inc.' };
    await store.append(amendmentAppend('case:t51-doe', 'corrected', ids.filed, retitle, ids.retitled));
    await store.append(fact(ids.settled, 'lawsuit.status_changed', 'case:t51-doe', { status: 'settled' }, '2025-05'));
    const rename = { changes: { data: { name: 'T1 Widget Max' } }, reason: 'renamed at launch' };
    await store.append(amendmentAppend('product:t51-widget', 'corrected', ids.product, rename, ids.renamed));
    await store.append(fact(ids.aliased, 'entity.aliased', 'product:t51-widget', { name: 'The Widget', reason: 'also called' }, null));
    // Announced, then retracted: the slug's name again.
    const gadget = { organization: 'org:t51', name: 'Gadget One', features: [], status: 'announced' };
    await store.append(fact(ids.gadget, 'product.announced', 'product:t51-gadget', gadget));
    await store.append(amendmentAppend('product:t51-gadget', 'retracted', ids.gadget, { reason: 'never announced' }, ids.gadgetGone));
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const registry = async () =>
    Object.fromEntries(
      (await ds.query(`SELECT subject, display_name, display_names FROM read_model.entities WHERE subject LIKE '%:t51-%'`)).map(
        (r: { subject: string; display_name: string; display_names: unknown }) => [r.subject, [r.display_name, r.display_names]],
      ),
    );
  const headlines = async (id: string) =>
    (await ds.query(`SELECT headline_en, headline_fr FROM read_model.feed_items WHERE event_id = $1`, [id]))[0];

  const expectNames = async () => {
    expect(await registry()).toEqual({
      'product:t51-widget': ['T1 Widget Max', { en: 'T1 Widget Max', fr: 'T1 Widget Max' }],
      'product:t51-gadget': ['T51 Gadget', { en: 'T51 Gadget', fr: 'T51 Gadget' }],
      'case:t51-doe': ['Doe v. Acme Inc.', { en: 'Doe v. Acme Inc.', fr: 'Doe contre Acme' }],
      'person:t51-doe': ['T51 Doe', { en: 'T51 Doe', fr: 'T51 Doe' }],
    });
    // Each version with when it was known: the product's first name until its correction.
    const versions = await ds.query(
      `SELECT subject, display_name, named_position < coalesce(unnamed_position, 'infinity'::numeric) AS ordered, unnamed_position IS NULL AS standing
       FROM read_model.entity_names ORDER BY subject, named_position`,
    );
    expect(versions).toEqual([
      { subject: 'case:t51-doe', display_name: 'Doe v. Acme Corp', ordered: true, standing: false },
      { subject: 'case:t51-doe', display_name: 'Doe v. Acme Inc.', ordered: true, standing: true },
      { subject: 'product:t51-gadget', display_name: 'Gadget One', ordered: true, standing: false },
      { subject: 'product:t51-widget', display_name: 'T1 Widget Pro', ordered: true, standing: false },
      { subject: 'product:t51-widget', display_name: 'T1 Widget Max', ordered: true, standing: true },
    ]);
    // A step is headlined by its case's title as the filing stood when the step was recorded.
    expect(await headlines(ids.motion)).toEqual({
      headline_en: 'Doe v. Acme Corp: motion filed',
      headline_fr: `Doe contre Acme${NBSP}: requête déposée`,
    });
    expect(await headlines(ids.settled)).toEqual({
      headline_en: 'Doe v. Acme Inc.: case settled',
      headline_fr: `Doe contre Acme${NBSP}: accord conclu`,
    });
    expect((await headlines(ids.aliased)).headline_en).toBe('"The Widget" is an alias of T1 Widget Max');
    expect((await headlines(ids.renamed)).headline_en).toBe('Correction: T51 announces T1 Widget Max');
  };

  itFoldsTheFeedEveryWay(
    'products and cases are named by their facts, in the registry and the headlines',
    () => ({ store, ds }),
    'entity-names-test',
    expectNames,
    ['feed_items', 'entities', 'entity_names'],
  );

  it('a registry and feed stored before get folded again in the background, which the migration queues', async () => {
    await ds.query(`TRUNCATE read_model.feed_items, read_model.entities, read_model.entity_names`);
    await applyLog(store, ds, { pageSize: 100, batched: true });
    // What the version before stored: the slugs' names, and no versions.
    await ds.query(`UPDATE read_model.entities SET display_name = 'T51 Widget', display_names = '{"en": "T51 Widget", "fr": "T51 Widget"}'
      WHERE subject = 'product:t51-widget'`);
    await ds.query(`UPDATE read_model.feed_items SET headline_en = 'T51 Doe: case settled' WHERE event_id = $1`, [ids.settled]);
    await ds.query(`DELETE FROM read_model.projection_backfills`);
    await ds.query(`INSERT INTO read_model.projection_checkpoints (projection, topic, partition, last_position, last_offset)
      SELECT p, 'entity-names-test', 0, 10, 9 FROM unnest(ARRAY['feed', 'entities']) AS p ON CONFLICT DO NOTHING`);
    const runner = ds.createQueryRunner();
    // A later migration's views read read_model.entity_names: undone first and done again last, as a down of the whole
    // chain would.
    const later = new ReportingAgreesWithApi1764902600000();
    try {
      await later.down(runner);
      await new EntityNames1764902400000().down(runner);
      await ds.query(`DELETE FROM read_model.projection_backfills`);
      await new EntityNames1764902400000().up(runner);
      await later.up(runner);
    } finally {
      await runner.release();
    }
    expect(
      (await ds.query(`SELECT projection FROM read_model.projection_backfills ORDER BY projection`)).map(
        (r: { projection: string }) => r.projection,
      ),
    ).toEqual(['entities', 'feed']);
    // The backfill the projector runs for those intents (a rebuild of each) gives what the projector now makes.
    await new ProjectionRebuilder(ds).rebuild({
      projections: ['entities', 'feed'],
      topic: 'entity-names-test',
      partitions: [0],
      concurrency: 2,
      batchSize: 2,
    });
    await expectNames();
    expect(await ds.query(`SELECT projection FROM read_model.projection_backfills`)).toEqual([]);
  });
});
