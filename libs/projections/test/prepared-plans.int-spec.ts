import { DataSource, EntityManager } from 'typeorm';
import { createProjections, EntitiesProjection, ProjectedEvent, SourcesProjection } from '@newsroom/projections';
import { createTestDatabase, TestDatabase } from '@newsroom/testing';
import { appointed, resetClock } from './support/events.builder';

/**
 * Issue 15, a quiet desk's small batches: the projector's statements are prepared, parsed and planned once per
 * connection (and plan generation) rather than at every batch, where planning cost about as much as running them.
 * A plan made once must stay right as the tables grow: a statement that reads a table plans again as its rows
 * double, and probes it by key whatever the planner guesses of a batch's length.
 */
describe('prepared statements of the projector (real Postgres)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('prepared_plans');
  });
  afterAll(async () => {
    await db?.drop();
  });

  /** Appointments of distinct people, each cited from a story of its own: a registry row and an entity each. */
  const cited = (n: number, from: number): ProjectedEvent[] =>
    Array.from({ length: n }, (_, i) => appointed(`person:s${from + i}`, `Role ${i % 3}`, '2024-05', {})).map((e, i) => ({
      ...e,
      sources: [{ outlet: 'Example Daily', url: `https://example.org/story-${from + i}`, title: 'A story', language: 'en' }],
    }));

  const tuplesRead = async (m: EntityManager, tables: string[]) =>
    Number(
      (
        await m.query(
          `SELECT coalesce(sum(seq_tup_read + coalesce(idx_tup_fetch, 0)), 0)::int AS n FROM pg_stat_xact_user_tables
           WHERE schemaname = 'read_model' AND relname = ANY($1::text[])`,
          [tables],
        )
      )[0].n,
    );

  it('a one-story batch on registries of 3,000 rows, planned while they were empty, reads its rows, not the tables', async () => {
    const one = await new DataSource({ type: 'postgres', url: db.url, extra: { max: 1 } }).initialize();
    const sources = new SourcesProjection();
    const entities = new EntitiesProjection();
    const apply = (m: EntityManager, events: ProjectedEvent[]) => sources.applyMany(m, events).then(() => entities.applyMany(m, events));
    try {
      // Statistics that say empty, and the first plans made on them, on the connection every batch below uses.
      await one.query('TRUNCATE read_model.sources, read_model.source_facts, read_model.entities');
      await one.query('ANALYZE read_model.sources, read_model.source_facts, read_model.entities');
      resetClock(10_000);
      await one.transaction((m) => apply(m, cited(1, 0)));
      for (let at = 1; at < 3001; at += 500) await one.transaction((m) => apply(m, cited(500, at)));
      const read = await one.transaction(async (m) => {
        const before = await tuplesRead(m, ['sources', 'entities']);
        await apply(m, cited(1, 5000));
        return (await tuplesRead(m, ['sources', 'entities'])) - before;
      });
      // Two stories' worth of probes (the registry's and the entities'), not 3,000-row tables.
      expect(read).toBeLessThan(50);
      const [counts] = await one.query(
        `SELECT (SELECT count(*) FROM read_model.sources)::int AS stories,
                (SELECT count(*) FROM read_model.entities WHERE subject LIKE 'person:s%')::int AS people`,
      );
      expect(counts).toEqual({ stories: 3002, people: 3002 });
    } finally {
      await one.destroy();
    }
  });

  it('given a day of one-event batches on one connection, then every write statement was planned a handful of times, not once a batch', async () => {
    const one = await new DataSource({ type: 'postgres', url: db.url, extra: { max: 1 } }).initialize();
    const projections = createProjections();
    try {
      resetClock(20_000);
      for (const event of cited(40, 20_000)) {
        await one.transaction(async (m) => {
          for (const p of projections) {
            const mine = [event].filter((e) => !p.handles || p.handles(e));
            if (p.applyMany) await p.applyMany(m, mine);
            else for (const e of mine) await p.apply(m, e);
          }
        });
        for (const p of projections) await p.afterCommit?.(one.manager);
      }
      const statements: Array<{ target: string; generic: number; custom: number }> = await one.query(
        `SELECT substring(statement FROM '(?:INSERT INTO|UPDATE|FROM) (read_model\\.\\w+|\\(\\s*SELECT pg_advisory)') AS target,
                generic_plans::int AS generic, custom_plans::int AS custom
         FROM pg_prepared_statements WHERE NOT from_sql`,
      );
      const planned = (target: string) => statements.filter((s) => s.target === target);
      // The batches' inserts of the timeline, the sources, the feed, the registry and the entities; the feed's watermark.
      for (const target of [
        'read_model.timeline_facts',
        'read_model.source_facts',
        'read_model.leadership_events',
        'read_model.feed_items',
        'read_model.sources',
        'read_model.entities',
        'read_model.feed_watermark',
      ]) {
        const mine = planned(target);
        expect({ target, prepared: mine.length > 0 }).toEqual({ target, prepared: true });
        const generic = mine.reduce((n, s) => n + s.generic, 0);
        const custom = mine.reduce((n, s) => n + s.custom, 0);
        // Postgres plans a prepared statement's first five executions for their values, then reuses one plan.
        expect({ target, custom: custom <= 5 * mine.length, reused: generic >= 30 }).toEqual({ target, custom: true, reused: true });
      }
    } finally {
      await one.destroy();
    }
  });
});
