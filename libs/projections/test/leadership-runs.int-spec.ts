import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { LeadershipProjection, ProjectedEvent, RUN_COLUMNS, runEndsSql } from '@newsroom/projections';
import { createTestDatabase, TestDatabase } from '@newsroom/testing';
import { correction, event, resetClock, retraction } from './support/events.builder';

// Dates that sort around each other, and none (a fact without a date sorts first in its group).
const DATES = [null, null, '2023', '2024-05', '2024-05', '2024-09-25', '2023-12/2024-12'];
const step = fc.record({
  action: fc.constantFrom('fact', 'fact', 'fact', 'fact', 'correct', 'retract'),
  person: fc.nat(1),
  role: fc.nat(1),
  kind: fc.constantFrom('appointed', 'appointed', 'departed'),
  date: fc.nat(DATES.length - 1),
  denied: fc.nat(9),
  pick: fc.nat(),
});

type Step = typeof step extends fc.Arbitrary<infer S> ? S : never;

/** A random log of appointments and departures in a few groups, with corrections (date, role, modality) and retractions. */
function storyOf(steps: Array<Step>): ProjectedEvent[] {
  resetClock();
  const log: ProjectedEvent[] = [];
  const standing: ProjectedEvent[] = [];
  for (const s of steps) {
    const target = standing.length ? standing[s.pick % standing.length] : null;
    if (s.action === 'correct' && target) {
      const changes =
        s.pick % 3 === 0
          ? { occurredAt: DATES[s.date] ?? '2022' }
          : s.pick % 3 === 1
            ? { data: { role: `Role ${s.role}` } }
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
          ...(s.kind === 'departed' ? { reason: 'resigned' } : {}),
        },
        { modality: s.denied === 0 ? 'denied' : 'reported' },
      );
      log.push(e);
      standing.push(e);
    }
  }
  return log;
}

/**
 * leadership_runs is kept incrementally (only the changed rows and their neighbours are looked at): whatever the
 * cut into batches, it holds exactly the rows a full window pass over the standing rows gives.
 */
describe('leadership runs kept incrementally equal a full recompute (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const projection = new LeadershipProjection();
  // Every batch takes the incremental path (small batches otherwise redo their groups whole).
  projection.incrementalFrom = 1;

  beforeAll(async () => {
    db = await createTestDatabase('leadership_runs');
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const cols = RUN_COLUMNS.join(', ');
  const kept = () => ds.query(`SELECT ${cols} FROM read_model.leadership_runs t ORDER BY t::text`);
  const full = () =>
    ds.query(
      `SELECT * FROM (${runEndsSql('read_model.leadership_events', `t.recorded_to IS NULL AND t.modality <> 'denied'`)}) t ORDER BY t::text`,
    );

  it('for random stories with undated facts, denials, corrections and retractions, cut into random batches', async () => {
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
});
