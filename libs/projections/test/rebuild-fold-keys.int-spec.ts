import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { PROJECTION_NAMES, ProjectionRebuilder } from '@newsroom/projections';
import { createTestDatabase, TestDatabase } from '@newsroom/testing';
import { applyLog, readModelSnapshot } from './support/log-replay.util';
import { amendmentAppend, seedEnvelopes, sourcingAppend, storyAppends, toAppend } from '../../../tests/fixtures/story.fixture';

/** The read models' indexes and constraints, by name: what a rebuild must leave exactly as migrated. */
const schemaOf = async (ds: DataSource) => ({
  indexes: await ds.query(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'read_model' ORDER BY 1`),
  constraints: await ds.query(
    `SELECT c.conname, c.contype, pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
     JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'read_model' ORDER BY 1`,
  ),
});

/** The unique indexes of the shadow tables as they are while the log is folded. */
const shadowIndexes = (ds: DataSource): Promise<Array<{ table: string; unique: boolean; def: string }>> =>
  ds.query(
    `SELECT t.relname AS table, i.indisunique AS unique, pg_get_indexdef(i.indexrelid) AS def
     FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = 'read_model' AND t.relname LIKE '%\\_next'`,
  );

/**
 * A rebuild folds without the keys on event ids (`foldKeys`: random, so their indexes took inserts all over) and
 * finds a fact's rows by its event's position instead: on real Postgres, amendments and attached sources folded that
 * way give the incremental fold's rows, and the keys come back as the constraints they were, under their names.
 */
describe('rebuild without the random keys while folding (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PgEventStore;
  const appointed = (id: string, subject: string, role: string) => ({
    id,
    type: 'executive.appointed',
    subject,
    occurredAt: '2025-04',
    data: { organization: 'org:openai', role, roleCategory: 'other' },
    sources: [{ outlet: 'Example Daily', language: 'en', url: `https://example.com/${id}` }],
  });
  const first = appointed('2b8e4f1c-5d3a-4c6e-8f90-1a2b3c4d5e01', 'person:fold-first', 'Head of Fold');
  const second = appointed('2b8e4f1c-5d3a-4c6e-8f90-1a2b3c4d5e02', 'person:fold-second', 'Head of Keys');

  beforeAll(async () => {
    db = await createTestDatabase('rebuild_fold_keys');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    store = new PgEventStore(db.pool);
    await store.append(toAppend(first));
    await store.append(toAppend(second));
    // Pages of 4 put these amendments in later pages than their facts: their targets are read back from the tables.
    await store.appendMany(storyAppends(seedEnvelopes()));
    await store.append(
      amendmentAppend(first.subject, 'corrected', first.id, { changes: { data: { role: 'Head of Folding' } }, reason: 'The role' }),
    );
    await store.append(sourcingAppend(first.subject, first.id, { outlet: 'Second Wire', language: 'en' }, 'confirms'));
    await store.append(amendmentAppend(second.subject, 'retracted', second.id, { reason: 'Never happened' }));
    // And a correction of a correction, next to each other: the second reads what the first opened.
    await store.append(
      amendmentAppend(first.subject, 'corrected', first.id, { changes: { data: { role: 'Head of Rebuilds' } }, reason: 'Again' }),
    );
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('given amendments in later pages than their facts, when the log is rebuilt, then every table equals the incremental fold and the schema is as migrated', async () => {
    await applyLog(store, ds, { pageSize: 3, batched: true });
    const incremental = await readModelSnapshot(ds);
    const schema = await schemaOf(ds);
    let folding: Array<{ table: string; unique: boolean; def: string }> = [];
    const result = await new ProjectionRebuilder(ds).rebuild({
      projections: PROJECTION_NAMES,
      topic: 'fold-keys-test',
      partitions: [0],
      batchSize: 4,
      beforeSwap: async () => {
        folding = await shadowIndexes(ds);
      },
    });
    expect(result.failures).toBe(0);
    expect(await readModelSnapshot(ds)).toEqual(incremental);
    expect(await schemaOf(ds)).toEqual(schema);

    // While folding: no unique index on the fact ids or the feed's event ids, a plain one on the facts' positions.
    for (const table of ['timeline_facts_next', 'source_facts_next', 'leadership_events_next', 'feed_items_next']) {
      expect(folding.filter((i) => i.table === table && i.unique && /\((fact_id|event_id)\b/.test(i.def))).toEqual([]);
    }
    expect(folding.filter((i) => i.table === 'timeline_facts_next' && /\(fact_position\)$/.test(i.def))).toHaveLength(1);
    expect(folding.filter((i) => i.table === 'feed_items_next' && i.unique).map((i) => i.def)).toEqual([
      expect.stringContaining('("position")'),
    ]);

    // What the amendments did, by the keys that are back.
    const roles = await ds.query(
      `SELECT version, role, recorded_to IS NULL AS standing, superseded_by FROM read_model.leadership_events
       WHERE fact_id = $1 ORDER BY version`,
      [first.id],
    );
    expect(roles).toEqual([
      { version: 1, role: 'Head of Fold', standing: false, superseded_by: 'corrected' },
      { version: 2, role: 'Head of Folding', standing: false, superseded_by: 'corrected' },
      { version: 3, role: 'Head of Rebuilds', standing: true, superseded_by: null },
    ]);
    const [feed] = await ds.query(
      `SELECT status, jsonb_array_length(corroboration) AS entries FROM read_model.feed_items WHERE event_id = $1`,
      [second.id],
    );
    expect(feed.status).toBe('retracted');
    const [firstItem] = await ds.query(`SELECT status, corroboration FROM read_model.feed_items WHERE event_id = $1`, [first.id]);
    expect(firstItem.status).toBe('corrected');
    expect(JSON.stringify(firstItem.corroboration)).toContain('Second Wire');
  });
});
