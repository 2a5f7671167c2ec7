import { EntityManager } from 'typeorm';
import { AppliedChanges, FactProjection } from '../facts/fact.adapter';
import { isUuid } from '../facts/fact-batch.util';
import { neighboursSql, placeOf, refreshRunsSql, RUN_COLUMNS, runEndSql, runEndsSql } from './leadership-runs.util';
import { leadershipModel } from './leadership.model';
import { write } from '../write-pipeline.util';
import { PlanGenerations } from '../prepared-query.util';

// The two-key advisory lock space (class, group hash) never meets the one-key locks of the store and the relay.
const RUNS_LOCK_CLASS = 0x4c52;
/** Transaction-local setting carrying a batch's fact ids from the lock statement to the refresh. */
const RUN_FACTS_SETTING = 'newsroom.leadership_run_facts';
/** Transaction-local setting keeping `enable_seqscan` as it was before a small batch's refresh turned it off. */
const SEQSCAN_WAS_SETTING = 'newsroom.seqscan_was';
/** Puts `enable_seqscan` back as it was for the rest of the transaction, after a small batch's refresh. */
const RESTORE_SEQSCAN = `SELECT set_config('enable_seqscan', current_setting('${SEQSCAN_WAS_SETTING}'), true) AS seqscan`;

/** Pure: what an event does to the leadership facts. */

/**
 * Appointments and departures as fact versions, plus `leadership_runs`: the standing rows pairing turns on (see
 * `runEndsSql`), so the roster as recorded now reads a few rows per tenure instead of every repeated appointment.
 */
export class LeadershipProjection extends FactProjection {
  private readonly runs: string;

  constructor(tableSuffix = '') {
    super('leadership', leadershipModel, 'leadership_events', tableSuffix, ['leadership_runs']);
    this.runs = `read_model.leadership_runs${tableSuffix}`;
  }

  /** True while a rebuild folds the log: the runs are computed once at the end (`completeFold`). */
  private folding = false;

  override beginFold(): void {
    super.beginFold();
    this.folding = true;
  }

  /** Every group at once: one window pass over the standing rows, in the order of the runs index once it is built. */
  override async completeFold(manager: EntityManager): Promise<void> {
    await super.completeFold(manager);
    await manager.query(`DELETE FROM ${this.runs}`);
    const where = `t.recorded_to IS NULL AND t.modality <> 'denied'`;
    await manager.query(`INSERT INTO ${this.runs} (${RUN_COLUMNS.join(', ')}) ${runEndsSql(this.table, where)}`);
    // Filled after the rebuild's statistics were taken: its own now, before the catch-up and the swap plan on it.
    await manager.query(`ANALYZE ${this.runs}`);
    this.folding = false;
  }

  protected override async afterChanges(manager: EntityManager, applied: AppliedChanges[]): Promise<void> {
    if (this.folding) return;
    const ids = new Set<string>();
    for (const { changes } of applied) for (const c of changes) ids.add(c.kind === 'open' ? c.fact.factId : c.factId);
    if (ids.size) await this.refreshRuns(manager, [...ids]);
  }

  /**
   * Facts per batch from which the runs are kept incrementally (`refreshRunsSql`: cost by changed row, not by group
   * size: a primary-key probe, a bounded index scan each way and a probe per run row deleted); smaller batches redo
   * their groups whole. The redo was cheaper while groups are short when the incremental refresh looked its
   * neighbours' neighbours up, three index scans a side (3-fact batches on a 100,000-fact table: 1.1-1.4 ms against
   * 2.0-2.2); since it reads two rows each way in one scan the two cost the same below 32 facts (the whole batch's
   * apply on 100,000 facts, medians of 6 x 40 batches alternating: 1, 3, 10, 20 and 31 facts, 2.25 / 1.88 / 2.38 /
   * 3.37 / 5.19 ms redoing against 2.18 / 1.96 / 2.41 / 3.60 / 5.17 ms). Both give the rows `runEndsSql` gives
   * (leadership-runs.int-spec checks both paths).
   */
  incrementalFrom = 32;

  /**
   * A plan is only as good as the table it was made on: over 60,000 events into new read models with no ANALYZE,
   * leadership alone took 149-188 µs of Postgres CPU an event with plans made on the nearly empty tables and 100-104
   * µs with plans made again as the facts this instance refreshed doubled (`PlanGenerations`; `npm run
   * bench:projector-cost`; the bench's longer drain, which autovacuum reaches, showed no change).
   */
  private readonly plans = new PlanGenerations();

  /**
   * Brings the run rows of every group any version of these facts belongs to up to date (a correction may move a
   * fact from one group to another: both are done). Partitions apply in parallel and a correction travels on its own
   * stream, so two transactions may touch one group: each locks its groups first, in one global order, and the
   * refresh is a statement of its own after the lock, on a snapshot taken after it (read committed), so the later
   * one sees what the earlier committed.
   *
   * The refresh is planned once per connection and plan generation (see `plans`), not once per batch (it took
   * about 8 ms to plan and 1 ms to run on a 100,000-fact table): it is a prepared statement (`queryPrepared`) without
   * parameters, which Postgres plans once and reuses, and it reads the batch's fact ids from a transaction-local
   * setting that the statement before the lock, which has them as a bind parameter, sets. That statement also turns
   * JIT off for the transaction before the lock and the refresh are first planned: the refresh's row estimates on
   * young tables pass jit_above_cost, and compiling it costs seconds where running it costs milliseconds.
   */
  async refreshRuns(manager: EntityManager, factIds: string[]): Promise<void> {
    const bad = factIds.find((id) => !isUuid(id));
    if (bad !== undefined) throw new Error(`leadership runs: fact id ${JSON.stringify(bad)} is not a uuid`);
    // The lock, the setting and the refresh live as long as a transaction. A manager with a query runner is the
    // caller's transaction (the projection runner opens its own with a BEGIN string, which TypeORM does not see, so
    // isTransactionActive cannot tell: a nested manager.transaction() there would COMMIT the batch half-way). A bare
    // manager runs each statement on its own: it gets a transaction here.
    if (!manager.queryRunner) return manager.transaction((m) => this.refreshRuns(m, factIds));
    // The setting first, then the lock, which reads the ids from it: with the ids as its bind parameter, the lock was
    // planned anew at every batch (Postgres kept choosing a custom plan for the array at hand), which cost more than
    // running it. The setting's statement reads no table, so its planning costs next to nothing. The lock finds each
    // fact through the primary key, one at a time (a LATERAL subquery with OFFSET 0 is not flattened into a join): as
    // `fact_id = ANY(...)` over the setting, whose length a plan cannot see, it guessed a third of a table analysed
    // while empty and scanned all of it.
    const factsSetting = `set_config('${RUN_FACTS_SETTING}', $1::uuid[]::text, true) AS facts`;
    const setting = `SELECT set_config('jit', 'off', true) AS jit, ${factsSetting}`;
    // A small batch's refresh is also planned with sequential scans off (see the refresh below); the setting's value
    // before is kept (the select list is evaluated in order) and put back after the refresh, so the statements the
    // other read models send next in the transaction are planned as usual.
    const scanless = `SELECT set_config('jit', 'off', true) AS jit, set_config('${SEQSCAN_WAS_SETTING}', current_setting('enable_seqscan'), true) AS was,
       set_config('enable_seqscan', 'off', true) AS seqscan, ${factsSetting}`;
    const ids = `current_setting('${RUN_FACTS_SETTING}')::uuid[]`;
    // The batch's facts (every version), each found through the primary key; the lock and a small batch's refresh
    // read them so.
    const facts = `SELECT t.organization, t.subject, t.role_key FROM unnest(${ids}) AS u(fact_id) CROSS JOIN LATERAL (
        SELECT organization, subject, role_key FROM ${this.table} t WHERE t.fact_id = u.fact_id OFFSET 0
      ) t`;
    const lock = `SELECT count(*) AS locked FROM (
         SELECT pg_advisory_xact_lock(${RUNS_LOCK_CLASS}, k) FROM (
           SELECT DISTINCT hashtext(t.organization || '|' || t.subject || '|' || t.role_key) AS k FROM (${facts}) t ORDER BY k
         ) s
       ) l`;
    this.plans.grow(factIds.length);
    const small = factIds.length < this.incrementalFrom;
    await write(manager, small ? scanless : setting, [factIds], { prepared: true });
    await write(manager, this.plans.text(lock), [], { prepared: true });
    if (!small) {
      await write(manager, this.plans.text(refreshRunsSql(this.table, this.runs, ids)), [], { prepared: true });
      return;
    }
    // Each touched group is read through the indexes, one group at a time: the statement is planned once per
    // connection and cannot see how many facts the batch holds (it guesses hundreds of groups from the array), so as
    // a join, on a table grown since its last ANALYZE, it hashed every standing row (35 ms a batch of one new fact on
    // a 30,000-fact table, growing with it; 82% of Postgres's active time at 50 events/s with 1,000 subscribers) and
    // seq-scanned the runs. A LATERAL subquery holding a window function cannot be flattened into a join, so the
    // events are an index-only scan of `leadership_events_runs` per group (0.24 ms in all); the old run rows are
    // found through `leadership_runs_i1` per group and deleted by their row ids.
    //
    // Those row ids are an array whose length a plan cannot see (it guesses 10): a plan made while the runs table was
    // under about ten pages read all of it instead, and kept doing so as it grew until the statement was planned
    // again, which only an ANALYZE or this instance's next plan generation brings. On a server without autovacuum, or
    // with the rows written by other partitions and instances, a batch read every run row, live and dead (4.6 ms a
    // batch of 25 with about 2,300 run rows, against 0.3 ms by row id: a third of Postgres's statement time writing
    // 500 events/s). Planned with sequential scans off, the delete reads the rows by id at any size; every other step
    // of this plan goes by index already.
    //
    // The groups come from the batch's facts found by key (`facts`, as the lock finds them): as `fact_id = ANY(...)`
    // a plan made on a nearly empty table walked a whole index in group order to skip the sort.
    const groups = `SELECT DISTINCT organization, subject, role_key FROM (${facts}) f`;
    const clear = `DELETE FROM ${this.runs} r WHERE r.ctid = ANY (ARRAY(
        SELECT x.ctid FROM (${groups}) g CROSS JOIN LATERAL (
          SELECT x.ctid FROM ${this.runs} x
          WHERE x.organization = g.organization AND x.subject = g.subject AND x.role_key = g.role_key OFFSET 0
        ) x))`;
    // Compared in the "C" collation of the runs index (leadership_events_runs), so the index finds each group's rows.
    // Equality is the same in both: every collation here is deterministic. The window is the group's own, in the
    // index's order: the rows runEndsSql gives for these groups.
    const collated = `SELECT DISTINCT organization COLLATE "C", subject COLLATE "C", role_key COLLATE "C" FROM (${facts}) f`;
    // One statement: the insert does not see the rows the delete removes (both read the statement's snapshot), and
    // the delete does not see the rows the insert adds.
    const redo = `WITH gone AS (${clear}) INSERT INTO ${this.runs} (${RUN_COLUMNS.join(', ')})
      SELECT ${RUN_COLUMNS.map((c) => `t.${c}`).join(', ')} FROM (${collated}) g (organization, subject, role_key)
      CROSS JOIN LATERAL (
        SELECT t.*, ${neighboursSql('t')} FROM ${this.table} t
        WHERE t.organization COLLATE "C" = g.organization AND t.subject COLLATE "C" = g.subject AND t.role_key COLLATE "C" = g.role_key
          AND t.recorded_to IS NULL AND t.modality <> 'denied'
        WINDOW w AS (ORDER BY ${placeOf('t').join(', ')})
      ) t
      WHERE ${runEndSql('t')}`;
    await write(manager, this.plans.text(redo), [], { prepared: true });
    await write(manager, RESTORE_SEQSCAN, [], { prepared: true });
  }
}
