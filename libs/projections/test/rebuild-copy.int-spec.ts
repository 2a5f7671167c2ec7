import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { PROJECTION_NAMES, ProjectionRebuilder } from '@newsroom/projections';
import { createTestDatabase, TestDatabase } from '@newsroom/testing';
import { applyLog, readModelSnapshot } from './support/log-replay.util';
import { amendmentAppend, laterEnvelopes, seedEnvelopes, storyAppends, toAppend } from '../../../tests/fixtures/story.fixture';

/** Every character COPY's text format escapes, an array literal's own, a NULL marker as text, and beyond the BMP. */
const HOSTILE = 'Head of "Quotes" \\ back\\slash\ttab\nnew line\r\nCRLF \\N {a,b} 🚀 é';

/**
 * A rebuild's fold writes the read models' rows with COPY, the live projector with INSERTs from JSON documents: on
 * real Postgres, texts holding every character COPY escapes come out of a rebuild exactly as the incremental fold
 * stores them, in the plain, jsonb and array columns, through a correction that closes a version.
 */
describe('rebuild by COPY: the same rows as the incremental fold, whatever the text (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PgEventStore;
  const appointment = {
    id: '7a0d6c52-3f1e-4b7a-9c55-2f4f0b1d9e01',
    type: 'executive.appointed',
    subject: 'person:hostile-text',
    occurredAt: '2025-03',
    data: { organization: 'org:openai', role: HOSTILE, roleCategory: 'other', previously: [HOSTILE, 'Editor'] },
    sources: [
      { outlet: `Wire ${HOSTILE}`, language: 'fr', title: HOSTILE, quote: HOSTILE, url: 'https://example.com/a?b=c\\d' },
      { outlet: 'Second Wire', language: 'en' },
    ],
  };

  beforeAll(async () => {
    db = await createTestDatabase('rebuild_copy');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    store = new PgEventStore(db.pool);
    await store.appendMany(storyAppends(seedEnvelopes()));
    await store.append(toAppend(appointment));
    await store.append(
      amendmentAppend(appointment.subject, 'corrected', appointment.id, {
        changes: { data: { role: `${HOSTILE} (corrected)` } },
        reason: `The role, ${HOSTILE}`,
      }),
    );
    await store.appendMany(storyAppends(laterEnvelopes()));
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('given texts with tabs, newlines, backslashes and quotes, when the log is rebuilt, then every table equals the incremental fold', async () => {
    await applyLog(store, ds, { pageSize: 3, batched: true });
    const incremental = await readModelSnapshot(ds);
    const result = await new ProjectionRebuilder(ds).rebuild({
      projections: PROJECTION_NAMES,
      topic: 'copy-test',
      partitions: [0],
      batchSize: 4,
    });
    expect(result.failures).toBe(0);
    expect(await readModelSnapshot(ds)).toEqual(incremental);

    // The text went through unchanged, not merely the same wrong way twice.
    const [item] = await ds.query(`SELECT data, sources FROM read_model.feed_items WHERE event_id = $1`, [appointment.id]);
    expect(item).toEqual({ data: appointment.data, sources: appointment.sources });
    const versions = await ds.query(
      `SELECT version, role, recorded_to IS NULL AS standing, change_reason FROM read_model.leadership_events WHERE fact_id = $1 ORDER BY version`,
      [appointment.id],
    );
    expect(versions).toEqual([
      { version: 1, role: HOSTILE, standing: false, change_reason: null },
      { version: 2, role: `${HOSTILE} (corrected)`, standing: true, change_reason: `The role, ${HOSTILE}` },
    ]);
    const quotes = await ds.query(`SELECT quote FROM read_model.source_facts WHERE fact_id = $1 AND quote IS NOT NULL`, [appointment.id]);
    expect(quotes.map((q: { quote: string }) => q.quote)).toEqual([HOSTILE, HOSTILE]);
    expect(incremental.feed_items.length).toBeGreaterThan(10);
  });
});
