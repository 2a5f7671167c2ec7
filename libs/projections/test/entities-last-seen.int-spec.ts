import { DataSource } from 'typeorm';
import { PgEventStore } from '@newsroom/event-store';
import { createProjections, projectedFromStored } from '@newsroom/projections';
import { createTestDatabase, TestDatabase, withMigrationUndone } from '@newsroom/testing';
import { EntitiesLastSeen1764900500000 } from '../../../infra/postgres/migrations/1764900500000-entities-last-seen.migration';
import { amendmentAppend, laterCorrections, laterEnvelopes, seedEnvelopes, storyAppends } from '../../../tests/fixtures/story.fixture';
import { applyLog } from './support/log-replay.util';

/**
 * Issue 15, the organizations' last sighting off the hot rows: a later event naming `org:openai` leaves its
 * `read_model.entities` row untouched (no write, so no row lock for partitions to queue on), while
 * `reporting.entities` still says when the subject was last named; the migration's down puts the last sighting
 * back on the rows, and up takes it off again, the view unchanged throughout.
 */
describe('entities: the last sighting read from the timeline, not written to the registry rows (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PgEventStore;

  const registryRow = async (subject: string) =>
    (
      await ds.query(`SELECT xmin::text AS xmin, first_position::text, first_recorded_at FROM read_model.entities WHERE subject = $1`, [
        subject,
      ])
    )[0];
  const view = () => ds.query(`SELECT * FROM reporting.entities ORDER BY subject`);

  beforeAll(async () => {
    db = await createTestDatabase('entities_last_seen');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    store = new PgEventStore(db.pool);
    await store.appendMany(storyAppends([...seedEnvelopes(), ...laterEnvelopes()]));
    await applyLog(store, ds, { pageSize: 7, batched: true });
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('given a later correction naming org:openai, then the report shows it as last seen and the registry row is not rewritten', async () => {
    const before = await registryRow('org:openai');
    const [head] = await ds.query(`SELECT max(global_position)::text AS p FROM event_store.events`);
    await new Promise((r) => setTimeout(r, 20));
    const [fix] = laterCorrections();
    await store.append(amendmentAppend('org:openai', 'corrected', fix.targetEventId, fix, fix.id));
    const page = await store.readAll(head.p, 10);
    expect(page).toHaveLength(1);
    const projections = createProjections();
    await ds.transaction(async (m) => {
      const events = page.map((s) => projectedFromStored(s));
      for (const p of projections) {
        const mine = events.filter((e) => !p.handles || p.handles(e));
        if (p.applyMany) await p.applyMany(m, mine);
        else for (const e of mine) await p.apply(m, e);
      }
    });

    // The row is the very same tuple: the batch wrote nothing to it.
    expect(await registryRow('org:openai')).toEqual(before);
    const [openai] = (await view()).filter((r: { subject: string }) => r.subject === 'org:openai');
    expect(new Date(openai.last_recorded_at).toISOString()).toBe(new Date(page[0].recordedAt).toISOString());
    expect(new Date(openai.first_recorded_at).getTime()).toBeLessThan(new Date(openai.last_recorded_at).getTime());
    // Every subject: last seen never before first seen, and never missing.
    for (const r of await view())
      expect(new Date(r.last_recorded_at).getTime()).toBeGreaterThanOrEqual(new Date(r.first_recorded_at).getTime());
    const [{ unmaintained }] = await ds.query(
      `SELECT count(*) FILTER (WHERE last_position IS NOT NULL OR last_recorded_at IS NOT NULL)::int AS unmaintained FROM read_model.entities`,
    );
    expect(unmaintained).toBe(0);
  });

  it('down puts the last sighting back on the rows and up takes it off again; the view says the same throughout', async () => {
    const before = await view();
    await withMigrationUndone(ds, new EntitiesLastSeen1764900500000(), async () => {
      const rows = await ds.query(`SELECT subject, last_recorded_at FROM read_model.entities ORDER BY subject`);
      expect(rows.map((r: { subject: string; last_recorded_at: Date }) => [r.subject, r.last_recorded_at.toISOString()])).toEqual(
        before.map((r: { subject: string; last_recorded_at: Date }) => [r.subject, r.last_recorded_at.toISOString()]),
      );
      expect(await view()).toEqual(before);
    });
    expect(await view()).toEqual(before);
    const [{ unmaintained }] = await ds.query(
      `SELECT count(*) FILTER (WHERE last_position IS NOT NULL)::int AS unmaintained FROM read_model.entities`,
    );
    expect(unmaintained).toBe(0);
  });
});
