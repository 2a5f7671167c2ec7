import fc from 'fast-check';
import { DataSource, EntityManager } from 'typeorm';
import { LeadershipProjection, ProjectedEvent, RUN_COLUMNS, runEndsSql } from '@newsroom/projections';
import { createTestDatabase, TestDatabase, withMigrationUndone } from '@newsroom/testing';
import { appointed, correction, departed, event, resetClock, retraction } from './support/events.builder';
import { LeadershipRunsOrder1764900600000 } from '../../../infra/postgres/migrations/1764900600000-leadership-runs-order.migration';
import { LeadershipIntervalOrder1764901000000 } from '../../../infra/postgres/migrations/1764901000000-leadership-interval-order.migration';
import { LeadershipRunsAsOf1764901300000 } from '../../../infra/postgres/migrations/1764901300000-leadership-runs-as-of.migration';
import { LeadershipRumouredEnds1764902200000 } from '../../../infra/postgres/migrations/1764902200000-leadership-rumoured-ends.migration';
import { LeadershipRumouredStarts1764902810000 } from '../../../infra/postgres/migrations/1764902810000-leadership-rumoured-starts.migration';

// Dates that sort around each other, and none (a fact without a date sorts first in its group).
const DATES = [null, null, '2023', '2024-05', '2024-05', '2024-09-25', '2023-12/2024-12'];
const step = fc.record({
  action: fc.constantFrom('fact', 'fact', 'fact', 'fact', 'correct', 'retract'),
  person: fc.nat(1),
  role: fc.nat(1),
  kind: fc.constantFrom('appointed', 'appointed', 'departed'),
  date: fc.nat(DATES.length - 1),
  denied: fc.nat(9),
  interim: fc.boolean(),
  pick: fc.nat(),
});

type Step = typeof step extends fc.Arbitrary<infer S> ? S : never;

/**
 * A random log of appointments and departures in a few groups (rumoured, reported or confirmed, interim or not), with
 * corrections (date, role, interim) and retractions.
 */
function storyOf(steps: Array<Step>): ProjectedEvent[] {
  resetClock();
  const log: ProjectedEvent[] = [];
  const standing: ProjectedEvent[] = [];
  for (const s of steps) {
    const target = standing.length ? standing[s.pick % standing.length] : null;
    if (s.action === 'correct' && target) {
      const changes =
        s.pick % 4 === 0
          ? { occurredAt: DATES[s.date] ?? '2022' }
          : s.pick % 4 === 1
            ? { data: { role: `Role ${s.role}` } }
            : s.pick % 4 === 2 && target.type === 'executive.appointed'
              ? { data: { interim: s.interim } }
              : { occurredAt: DATES[s.date] ?? '2021' };
      log.push(correction(target, changes));
    } else if (s.action === 'retract' && target) {
      log.push(retraction(target));
      standing.splice(standing.indexOf(target), 1);
    } else {
      const e = event(
        `executive.${s.kind}`,
        `person:p${s.person}`,
        DATES[s.date],
        {
          organization: 'org:openai',
          role: `Role ${s.role}`,
          roleCategory: 'c-suite',
          ...(s.kind === 'departed' ? { reason: 'resigned' } : { interim: s.interim }),
        },
        { modality: s.denied === 0 ? 'denied' : (['reported', 'rumored', 'confirmed'] as const)[s.denied % 3] },
      );
      log.push(e);
      standing.push(e);
    }
  }
  return log;
}

/**
 * leadership_runs is kept per batch, incrementally (only the changed rows and their neighbours are looked at) or,
 * for small batches, by redoing the batch's groups whole: whatever the cut into batches and whichever path each
 * batch takes, it holds exactly the rows a full window pass over the standing rows gives.
 */
describe('leadership runs kept per batch equal a full recompute (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const projection = new LeadershipProjection();

  beforeAll(async () => {
    db = await createTestDatabase('leadership_runs');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  /** Empty tables, the clock at `at`, then `events` in one batch taking the incremental path. */
  const freshBatch = async (at: number, events: ProjectedEvent[]) => {
    projection.incrementalFrom = 1;
    await ds.query('TRUNCATE read_model.leadership_events, read_model.leadership_runs');
    resetClock(at);
    await ds.transaction((m) => projection.applyMany(m, events));
  };

  const cols = RUN_COLUMNS.join(', ');
  const kept = () => ds.query(`SELECT ${cols} FROM read_model.leadership_runs t ORDER BY t::text`);
  const full = () =>
    ds.query(
      `SELECT * FROM (${runEndsSql('read_model.leadership_events', `t.recorded_to IS NULL AND t.modality <> 'denied'`)}) t ORDER BY t::text`,
    );

  // Tuples read from the two tables so far in `m`'s transaction: pg_stat_xact_user_tables, read before and after a
  // batch (the view also holds what earlier transactions of the connection have not yet reported).
  const tuplesRead = async (m: EntityManager) =>
    Number(
      (
        await m.query(
          `SELECT coalesce(sum(seq_tup_read + coalesce(idx_tup_fetch, 0)), 0)::int AS n FROM pg_stat_xact_user_tables
           WHERE schemaname = 'read_model' AND relname IN ('leadership_events', 'leadership_runs')`,
        )
      )[0].n,
    );

  // 1: every batch incremental; 1000: every batch redoes its groups (the path of 1-2 event batches at a low rate);
  // 4: both, batch by batch (batches of 1 to 12 events).
  it.each([
    ['every batch incremental', 1],
    ['every batch redoing its groups', 1000],
    ['batches taking either path', 4],
  ])('for random stories with undated facts, denials, corrections and retractions, cut into random batches: %s', async (_path, from) => {
    projection.incrementalFrom = from;
    const cases = fc.sample(
      fc.tuple(fc.array(step, { minLength: 3, maxLength: 40 }), fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 5 })),
      {
        numRuns: 40,
        seed: 15,
      },
    );
    for (const [steps, sizes] of cases) {
      await ds.query('TRUNCATE read_model.leadership_events, read_model.leadership_runs');
      const log = storyOf(steps);
      for (let at = 0, k = 0; at < log.length; k++) {
        const batch = log.slice(at, at + sizes[k % sizes.length]);
        at += batch.length;
        await ds.transaction((m) =>
          projection.applyMany(
            m,
            batch.filter((e) => projection.handles(e)),
          ),
        );
      }
      expect(await kept()).toEqual(await full());
    }
  });

  // A correction that keeps a fact's date and group closes its version and opens the next at the same position. The
  // closed version's view of its neighbours lacks the new version between them, so the appointment before it would
  // be judged followed by the departure after it, and kept as the last of its run: it must be judged from the new
  // version's view, where an appointment follows it.
  it('a correction that keeps the fact at its place in the group judges its neighbours with the new version between them', async () => {
    projection.incrementalFrom = 1;
    await ds.query('TRUNCATE read_model.leadership_events, read_model.leadership_runs');
    resetClock(9000);
    const story = [
      appointed('person:p5', 'Role 1', '2022'),
      appointed('person:p5', 'Role 1', '2023'),
      appointed('person:p5', 'Role 1', '2024-05'),
      departed('person:p5', 'Role 1', '2024-09'),
    ];
    await ds.transaction((m) => projection.applyMany(m, story));
    await ds.transaction((m) => projection.applyMany(m, [correction(story[2], { data: { role: 'Role 1' } })]));
    expect(await kept()).toEqual(await full());
    // The run's first appointment, its last (the corrected one's new version) and the departure.
    expect(await kept()).toHaveLength(3);
  });

  // Migration 1764901000000 orders a group by interval (an appointment at its start, a departure at its end) and takes
  // out of the runs a departure right after a departure (a second report of it); down gives the runs kept before it.
  it('the interval-order migration computes the runs kept the new way from runs kept the old way, and down gives the old ones back', async () => {
    await freshBatch(12000, [
      appointed('person:p10', 'Role 1', '2023'),
      departed('person:p10', 'Role 1', '2024-05'),
      departed('person:p10', 'Role 1', '2024-09-25'),
      departed('person:p10', 'Role 1', null),
      departed('person:p11', 'Role 1', '2024'),
      departed('person:p11', 'Role 1', '2024'),
      appointed('person:p11', 'Role 1', '2025'),
      departed('person:p11', 'Role 1', '2025-05'),
      // A departure dated less precisely than the appointment it ends: after it in the new order, before it in the old.
      appointed('person:p12', 'Role 1', '2024-05-10'),
      departed('person:p12', 'Role 1', '2024-05'),
    ]);
    const now = await kept();
    expect(now).toEqual(await full());
    const rows = (subject: string, rows: Array<{ subject: string; kind: string; occurred_at: string | null }>) =>
      rows
        .filter((r) => r.subject === subject)
        .map((r) => `${r.kind} ${r.occurred_at}`)
        .sort();
    // p10's undated departure (first in its group) and its 2024-05 after the appointment; p11's first of 2024 and its 2025-05.
    expect(rows('person:p10', now)).toEqual(['appointed 2023', 'departed 2024-05', 'departed null']);
    expect(rows('person:p11', now)).toEqual(['appointed 2025', 'departed 2024', 'departed 2025-05']);
    expect(rows('person:p12', now)).toEqual(['appointed 2024-05-10', 'departed 2024-05']);
    await withMigrationUndone(ds, new LeadershipIntervalOrder1764901000000(), async () => {
      const old = await kept();
      // Every standing departure again, and p12's departure before the appointment: the appointment ran on as its own run.
      expect(old.filter((r: { kind: string }) => r.kind === 'departed')).toHaveLength(7);
      expect(rows('person:p12', old)).toEqual(['appointed 2024-05-10', 'departed 2024-05']);
    });
    expect(await kept()).toEqual(now);
  });

  // Migration 1764901300000 also keeps the appointments whose interim changes and those stronger than the one before
  // (the roster as of a date, a rumour confirmed later); down gives the runs kept before it, up the new ones again.
  it('the as-of migration computes the runs kept the new way from runs kept the old way, and down gives the old ones back', async () => {
    const report = (person: string, occurredAt: string, modality: ProjectedEvent['modality'], interim: boolean) =>
      event(
        'executive.appointed',
        person,
        occurredAt,
        { organization: 'org:openai', role: 'Role 1', roleCategory: 'c-suite', interim },
        { modality },
      );
    await freshBatch(13000, [
      // Interim from January, permanent from June, then reported again in September: four appointments, one run.
      report('person:p13', '2024-01-15', 'reported', true),
      report('person:p13', '2024-03-01', 'reported', true),
      report('person:p13', '2024-06-01', 'reported', false),
      report('person:p13', '2024-09-01', 'reported', false),
      // A rumour, confirmed for the same day, then reported again later.
      report('person:p14', '2024-06-10', 'rumored', false),
      report('person:p14', '2024-06-10', 'confirmed', false),
      report('person:p14', '2024-06-10', 'reported', false),
      report('person:p14', '2024-08-01', 'reported', false),
    ]);
    const now = await kept();
    expect(now).toEqual(await full());
    const rows = (subject: string, rows: Array<{ subject: string; occurred_at: string; modality: string; interim: boolean }>) =>
      rows
        .filter((r) => r.subject === subject)
        .map((r) => `${r.occurred_at} ${r.modality}${r.interim ? ' interim' : ''}`)
        .sort();
    expect(rows('person:p13', now)).toEqual(['2024-01-15 reported interim', '2024-06-01 reported', '2024-09-01 reported']);
    expect(rows('person:p14', now)).toEqual(['2024-06-10 confirmed', '2024-06-10 rumored', '2024-08-01 reported']);
    await withMigrationUndone(ds, new LeadershipRunsAsOf1764901300000(), async () => {
      const old = await kept();
      expect(rows('person:p13', old)).toEqual(['2024-01-15 reported interim', '2024-09-01 reported']);
      expect(rows('person:p14', old)).toEqual(['2024-06-10 rumored', '2024-08-01 reported']);
    });
    expect(await kept()).toEqual(now);
  });

  // Migration 1764902200000 also keeps every rumoured departure and every departure right after a rumour (a denied
  // rumour is set aside at query time, and a reported departure after a rumour ends the tenure in its place).
  it('the rumoured-ends migration keeps the rumours and the departures after them; down gives the old runs back', async () => {
    const report = (kind: 'appointed' | 'departed', occurredAt: string, modality: ProjectedEvent['modality']) =>
      event(
        `executive.${kind}`,
        'person:p15',
        occurredAt,
        { organization: 'org:openai', role: 'Role 1', roleCategory: 'c-suite' },
        { modality },
      );
    await freshBatch(14000, [
      report('appointed', '2018-05', 'reported'),
      report('departed', '2025-02-10', 'rumored'),
      report('departed', '2025-03', 'rumored'),
      report('departed', '2025-05', 'reported'),
      report('departed', '2025-06', 'confirmed'),
    ]);
    const now = await kept();
    expect(now).toEqual(await full());
    const rows = (rows: Array<{ kind: string; occurred_at: string; modality: string }>) =>
      rows.map((r) => `${r.kind} ${r.occurred_at} ${r.modality}`).sort();
    expect(rows(now)).toEqual([
      'appointed 2018-05 reported',
      'departed 2025-02-10 rumored',
      'departed 2025-03 rumored',
      'departed 2025-05 reported',
    ]);
    await withMigrationUndone(ds, new LeadershipRumouredEnds1764902200000(), async () => {
      expect(rows(await kept())).toEqual(['appointed 2018-05 reported', 'departed 2025-02-10 rumored']);
    });
    expect(await kept()).toEqual(now);
  });

  // Migration 1764902810000 also keeps every rumoured appointment (the stories attached to one may confirm it at
  // query time, and a rumour between two rumours of a run then raises the start's modality).
  it('the rumoured-starts migration keeps every rumoured appointment; down gives the old runs back', async () => {
    const report = (kind: 'appointed' | 'departed', occurredAt: string, modality: ProjectedEvent['modality']) =>
      event(
        `executive.${kind}`,
        'person:p16',
        occurredAt,
        { organization: 'org:openai', role: 'Role 1', roleCategory: 'c-suite' },
        { modality },
      );
    await freshBatch(15000, [
      report('appointed', '2024-06-10', 'rumored'),
      report('appointed', '2024-06-10', 'rumored'),
      report('appointed', '2024-06-10', 'rumored'),
      report('appointed', '2024-06-10', 'reported'),
      report('appointed', '2024-06-10', 'reported'),
      report('appointed', '2024-06-10', 'rumored'),
    ]);
    const now = await kept();
    expect(now).toEqual(await full());
    const rows = (rows: Array<{ kind: string; occurred_at: string; modality: string }>) =>
      rows.map((r) => `${r.kind} ${r.occurred_at} ${r.modality}`).sort();
    expect(rows(now)).toEqual([
      'appointed 2024-06-10 reported',
      'appointed 2024-06-10 rumored',
      'appointed 2024-06-10 rumored',
      'appointed 2024-06-10 rumored',
      'appointed 2024-06-10 rumored',
    ]);
    await withMigrationUndone(ds, new LeadershipRumouredStarts1764902810000(), async () => {
      // The first (opens the run), the first report (stronger than the rumour before it), the last (its interim).
      expect(rows(await kept())).toEqual(['appointed 2024-06-10 reported', 'appointed 2024-06-10 rumored', 'appointed 2024-06-10 rumored']);
    });
    expect(await kept()).toEqual(now);
  });

  // Migration 1764900600000 rebuilds the two indexes in the order the passes now write; down gives back the old ones.
  it('the order migration goes down and up again, and the runs stay kept on the indexes it leaves', async () => {
    const defs = async () =>
      (
        await ds.query(
          `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'read_model'
           AND indexname IN ('leadership_events_runs', 'leadership_runs_i1') ORDER BY 1`,
        )
      ).map((r: { indexdef: string }) => r.indexdef);
    await withMigrationUndone(ds, new LeadershipRunsOrder1764900600000(), async () => {
      expect(await defs()).toEqual([
        expect.stringMatching(/\(organization, subject COLLATE "C", role_key COLLATE "C", valid_from NULLS FIRST, fact_position\) INCLUDE/),
        expect.stringMatching(/\(organization, subject, role_key\)$/),
      ]);
    });
    expect(await defs()).toEqual([
      expect.stringMatching(/\(organization COLLATE "C", subject COLLATE "C", role_key COLLATE "C", COALESCE\(valid_from, '-infinity'/),
      expect.stringMatching(/\(organization, subject, role_key, fact_id, version\)$/),
    ]);
    // The later migration's index again (the interval order), which the passes are written for.
    const later = ds.createQueryRunner();
    try {
      await new LeadershipIntervalOrder1764901000000().up(later);
    } finally {
      await later.release();
    }
    expect((await defs())[0]).toMatch(/role_key COLLATE "C", \(\s*CASE\s+WHEN \(kind = 'departed'/);
    await freshBatch(11000, [
      appointed('person:p6', 'Role 1', '2023'),
      appointed('person:p6', 'Role 1', '2024'),
      departed('person:p6', 'Role 1', '2025'),
    ]);
    expect(await kept()).toEqual(await full());
  });

  // The refresh is planned once per connection and cannot see how many facts a batch holds: as a join, the redo
  // hashed every standing row of the table for a one-fact batch (35 ms on 30,000 facts, growing with the table; 82%
  // of Postgres's active time at 50 events/s in the bench). Whatever the statistics, a one-fact batch reads its group.
  // The tables grew after the last ANALYZE (autovacuum looks once a minute; the bench's drain fills 100,000 facts in
  // less): the statistics say the table is small, as they do after any burst of writes or a rebuild.
  it('a one-fact batch redoing its group on a table of 3,000 facts grown since its statistics reads its group, not the table', async () => {
    const from = 1000;
    await ds.query('TRUNCATE read_model.leadership_events, read_model.leadership_runs');
    resetClock(5000);
    projection.incrementalFrom = 1;
    const filler = Array.from({ length: 3000 }, (_, i) => appointed(`person:q${i % 1000}`, `Role ${i % 3}`, `2024-0${1 + (i % 9)}`));
    for (let i = 0; i < filler.length; i += 500) await ds.transaction((m) => projection.applyMany(m, filler.slice(i, i + 500)));
    projection.incrementalFrom = from;
    // A connection of its own, so the refresh is planned now, on the grown table (the pool's connections hold plans
    // made on the small tables of the tests above, which a scan of three thousand rows does not tell apart).
    const fresh = await new DataSource({ type: 'postgres', url: db.url, extra: { max: 1 } }).initialize();
    const read = await fresh
      .transaction(async (m) => {
        const before = await tuplesRead(m);
        await projection.applyMany(m, [appointed('person:q7', 'Role 1', '2024-12')]);
        return (await tuplesRead(m)) - before;
      })
      .finally(() => fresh.destroy());
    // The group of person:q7 in Role 1 holds a handful of facts; the table 3,000 and the runs about 1,000 rows.
    expect(read).toBeLessThan(100);
    expect(await kept()).toEqual(await full());
  });

  // A prepared statement without parameters keeps the plan it was given until the table's statistics change, which
  // autovacuum does at most once a minute: a projector starting on new read models planned on nearly empty tables and
  // kept those plans while they grew (a one-fact batch then read 36,000 tuples here). Its statements are planned
  // again each time the facts it has refreshed double.
  it('an instance whose plans were made on empty tables plans again as they grow: a one-fact batch on 3,000 facts reads its group, not the table', async () => {
    const grown = new LeadershipProjection();
    grown.incrementalFrom = 1;
    const one = await new DataSource({ type: 'postgres', url: db.url, extra: { max: 1 } }).initialize();
    try {
      // Statistics that say empty, and the first plans made on them, on the connection every batch below uses.
      await one.query('TRUNCATE read_model.leadership_events, read_model.leadership_runs');
      await one.query('ANALYZE read_model.leadership_events, read_model.leadership_runs');
      resetClock(7000);
      await one.transaction((m) => grown.applyMany(m, [appointed('person:r0', 'Role 0', '2024-01')]));
      const filler = Array.from({ length: 3000 }, (_, i) => appointed(`person:r${i % 1000}`, `Role ${i % 3}`, `2024-0${1 + (i % 9)}`));
      for (let i = 0; i < filler.length; i += 500) await one.transaction((m) => grown.applyMany(m, filler.slice(i, i + 500)));
      const read = await one.transaction(async (m) => {
        const before = await tuplesRead(m);
        await grown.applyMany(m, [appointed('person:r7', 'Role 1', '2024-12')]);
        return (await tuplesRead(m)) - before;
      });
      // The group holds a handful of facts; the table 3,001 and the runs about 1,000 rows.
      expect(read).toBeLessThan(200);
    } finally {
      await one.destroy();
    }
    expect(await kept()).toEqual(await full());
  });

  // Plan generations count the facts one instance refreshed, but other partitions and instances fill the same tables.
  // A refresh planned while the tables were empty deleted the old run rows by a scan of the whole runs table (their row
  // ids are an array whose length a plan cannot see) and found the batch's groups by scans of the facts, and kept
  // doing so as the others grew them, on a server without autovacuum until this instance's facts doubled (here 18,010
  // tuples read for one fact; 4.6 ms a batch of 25 at about 2,300 runs, a third of Postgres's statement time writing
  // 500 events/s). A small batch's refresh is planned with sequential scans off, and finds its facts by key.
  it('an instance whose plans were made on empty tables that other instances grew: a one-fact batch on 3,000 facts reads its group, not the table', async () => {
    const quiet = new LeadershipProjection();
    quiet.incrementalFrom = 1000;
    const busy = new LeadershipProjection();
    busy.incrementalFrom = 1;
    const one = await new DataSource({ type: 'postgres', url: db.url, extra: { max: 1 } }).initialize();
    try {
      await one.query('TRUNCATE read_model.leadership_events, read_model.leadership_runs');
      await one.query('ANALYZE read_model.leadership_events, read_model.leadership_runs');
      resetClock(9000);
      await one.transaction((m) => quiet.applyMany(m, [appointed('person:u0', 'Role 0', '2024-01')]));
      const filler = Array.from({ length: 3000 }, (_, i) => appointed(`person:u${i % 1000}`, `Role ${i % 3}`, `2024-0${1 + (i % 9)}`));
      for (let i = 0; i < filler.length; i += 500) await ds.transaction((m) => busy.applyMany(m, filler.slice(i, i + 500)));
      const { runs } = (await ds.query('SELECT count(*)::int AS runs FROM read_model.leadership_runs'))[0];
      expect(runs).toBeGreaterThan(2000);
      const read = await one.transaction(async (m) => {
        const before = await tuplesRead(m);
        await quiet.applyMany(m, [appointed('person:u7', 'Role 1', '2024-12')]);
        const after = await tuplesRead(m);
        // Put back for the rest of the transaction: the next read models' statements are planned as usual.
        expect((await m.query(`SELECT current_setting('enable_seqscan') AS s`))[0].s).toBe('on');
        return after - before;
      });
      // The group holds a handful of facts; the table 3,001 and the runs about 3,000 rows.
      expect(read).toBeLessThan(200);
    } finally {
      await one.destroy();
    }
    expect(await kept()).toEqual(await full());
  });

  // The refresh is a prepared statement, planned once per connection: after a rebuild's swap puts other tables under
  // the same names, the next refresh on that connection must read and write the new tables, not the old ones (kept
  // under other names here, as the swap keeps them, so a refresh that wrote there would leave the new ones behind).
  it('keeps refreshing the right tables on a connection whose prepared refresh outlived a swap of the tables', async () => {
    const one = await new DataSource({ type: 'postgres', url: db.url, extra: { max: 1 } }).initialize();
    try {
      await one.query('TRUNCATE read_model.leadership_events, read_model.leadership_runs');
      resetClock(2000);
      for (const from of [1000, 1]) {
        projection.incrementalFrom = from;
        await one.transaction((m) => projection.applyMany(m, [appointed('person:p7', 'Role 1', '2024-01')]));
      }
      for (const t of ['leadership_events', 'leadership_runs']) {
        await one.query(`ALTER TABLE read_model.${t} RENAME TO ${t}_old`);
        await one.query(`CREATE TABLE read_model.${t} (LIKE read_model.${t}_old INCLUDING ALL)`);
        await one.query(`INSERT INTO read_model.${t} SELECT * FROM read_model.${t}_old`);
      }
      for (const from of [1000, 1]) {
        projection.incrementalFrom = from;
        await one.transaction((m) =>
          projection.applyMany(m, [
            departed('person:p7', 'Role 1', from === 1 ? '2024-03' : '2024-06'),
            appointed('person:p8', 'Role 2', '2024-02'),
          ]),
        );
      }
    } finally {
      await one.destroy();
    }
    expect(await kept()).toEqual(await full());
    // A run's first and last appointments, and its departure: the earlier report, which the later batch's refresh put
    // in the place of the first batch's (another report of the same departure: the first in valid time stands).
    const p7 = (await kept()).filter((r: { subject: string }) => r.subject === 'person:p7');
    expect(p7.map((r: { kind: string; occurred_at: string }) => `${r.kind} ${r.occurred_at}`).sort()).toEqual([
      'appointed 2024-01',
      'appointed 2024-01',
      'departed 2024-03',
    ]);
  });

  // The lock and the refresh share one round trip (a multi-statement query): the refresh must still read after the
  // lock, on a snapshot of its own, or the later of two transactions on one group would miss the earlier one's rows.
  it.each([
    ['redoing the group', 1000],
    ['incrementally', 1],
  ])('a transaction waiting on the lock of a group reads what the one holding it committed (%s)', async (_path, from) => {
    projection.incrementalFrom = from;
    await ds.query('TRUNCATE read_model.leadership_events, read_model.leadership_runs');
    resetClock(1000);
    const [first, second, third] = [
      appointed('person:p9', 'Role 1', '2024-01'),
      appointed('person:p9', 'Role 1', '2024-03'),
      departed('person:p9', 'Role 1', '2024-06'),
    ];
    await ds.transaction((m) => projection.applyMany(m, [first]));
    const holder = ds.createQueryRunner();
    const waiter = ds.createQueryRunner();
    try {
      await holder.startTransaction();
      await projection.applyMany(holder.manager, [second]);
      await waiter.startTransaction();
      let done = false;
      const waiting = projection.applyMany(waiter.manager, [third]).then(() => (done = true));
      await new Promise((r) => setTimeout(r, 300));
      expect(done).toBe(false); // it waits for the group's lock
      await holder.commitTransaction();
      await waiting;
      await waiter.commitTransaction();
    } finally {
      await holder.release();
      await waiter.release();
    }
    // Without the later read, the departure's refresh would not see the second appointment as a run's last one.
    expect(await kept()).toEqual(await full());
    expect((await kept()).map((r: { kind: string }) => r.kind)).toEqual(expect.arrayContaining(['appointed', 'departed']));
  });
});
