import { Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { EventLogReader } from '@newsroom/event-store';
import type { Projection } from '../projection.types';
import { createProjections } from '../projection.registry';
import { moveFeedWatermarkTo } from '../feed/feed-watermark.repository';
import { dropSpareCopyBuffers } from '../copy-text.util';
import { groupsOf, LogFold } from './log-fold.service';
import { buildShadowIndexes, createShadowTables, dropShadowTables, SHADOW_SUFFIX, swapShadowTables } from './shadow-tables.repository';

export interface RebuildProgress {
  phase: 'fold' | 'catch-up' | 'index' | 'swap' | 'done';
  position: string;
  head: string;
  events: number;
  failures: number;
  elapsedMs: number;
}

export interface RebuildOptions {
  projections: readonly string[];
  /** The events topic and its partitions: the projector's checkpoints are kept per topic and partition. */
  topic: string;
  partitions: readonly number[];
  batchSize?: number;
  /** Connections folding side by side, each into its own group of projections (default 5). */
  concurrency?: number;
  onProgress?: (progress: RebuildProgress) => void;
  /** Called once the log has been folded, before catching up and swapping (tests append events here). */
  beforeSwap?: () => Promise<void>;
}

/**
 * Two rebuilds of one read model at once would share its shadow tables: the second drops and recreates what the first
 * is folding into, and the first then swaps in a table missing the rows it folded before. Each rebuild holds, for its
 * whole run, a session lock per read model it rebuilds (two-key advisory locks of this class meet no other lock of
 * the system: the first batches', the leadership runs' and the relay's are of other classes or one-key).
 */
const REBUILD_LOCK_CLASS = 0x5242;

/**
 * Events the swap may have left to fold while it holds the live projector back (an EXCLUSIVE lock on the
 * checkpoints): the rest is caught up before, in the open. A whole batch (2,000 events) held it back for seconds.
 */
export const SWAP_GAP = 100;
/** Rounds of catching up before the swap goes ahead regardless (a log growing faster than the rebuild folds). */
const CATCH_UP_ROUNDS = 20;

/** Inside the swap: more than SWAP_GAP events arrived while its lock was awaited. */
class GapGrewError extends Error {}

/** Thrown when another rebuild holds one of the read models asked for. */
export class RebuildRunningError extends Error {
  constructor(
    readonly projection: string,
    readonly holder: string,
  ) {
    super(`a rebuild of ${projection} is already running (${holder}); wait for it to finish, or stop it first`);
  }
}

export interface RebuildResult {
  projections: readonly string[];
  head: string;
  events: number;
  failures: number;
  /** Failed positions (projection_failures rows, of the live projector or a replay) the rebuild folded: resolved. */
  resolved: number;
}

/**
 * Blue-green rebuild: folds the whole event store, in position order and in batches, into shadow tables
 * (`<table>_next`) while the live projector keeps writing the live ones; builds their indexes; catches up with
 * what arrived meanwhile; then, in one transaction that briefly pauses the live projector (an EXCLUSIVE lock on
 * the checkpoints), folds the last few events, swaps the tables in by renaming and sets these projections'
 * checkpoints on every partition to the head it folded, so the live projector skips exactly what the rebuild
 * already applied.
 */
export class ProjectionRebuilder {
  private readonly logger = new Logger(ProjectionRebuilder.name);
  private fold: LogFold;
  private started = 0;

  constructor(private readonly ds: DataSource) {
    this.fold = new LogFold(ds);
  }

  async rebuild(options: RebuildOptions): Promise<RebuildResult> {
    const release = await this.lockProjections(options.projections);
    try {
      return await this.rebuildLocked(options);
    } finally {
      dropSpareCopyBuffers();
      await release();
    }
  }

  /** The read models' rebuild locks, on a connection of their own held until `release`; refused if one is held. */
  private async lockProjections(names: readonly string[]): Promise<() => Promise<void>> {
    const runner = this.ds.createQueryRunner();
    await runner.connect();
    // Never throws: a connection already gone (the rebuild's pool closed under it) took its session locks with it.
    const release = async () => {
      await runner.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
      await runner.release().catch(() => undefined);
    };
    try {
      for (const name of [...new Set(names)].sort()) {
        const [row] = await runner.query('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [REBUILD_LOCK_CLASS, name]);
        if (row.ok) continue;
        // Advisory locks are the database's own, but pg_locks lists every database's: another database on the
        // server rebuilding the same read model holds the same key (seen as a rebuild-cli e2e naming another test
        // file's backend), so the holder is looked up in this database only.
        const [who] = await runner.query(
          `SELECT a.pid, a.application_name, a.client_addr::text AS client, a.backend_start FROM pg_locks l
           JOIN pg_stat_activity a ON a.pid = l.pid
           WHERE l.locktype = 'advisory' AND l.classid = $1 AND l.objid = hashtext($2)::oid AND l.objsubid = 2 AND l.granted
             AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
          [REBUILD_LOCK_CLASS, name],
        );
        const holder = who
          ? `Postgres backend ${who.pid}${who.application_name ? ` of ${who.application_name}` : ''}${who.client ? ` from ${who.client}` : ''}, since ${new Date(who.backend_start).toISOString()}`
          : 'its holder has just let go; try again';
        throw new RebuildRunningError(name, holder);
      }
    } catch (error) {
      await release();
      throw error;
    }
    return release;
  }

  private async rebuildLocked(options: RebuildOptions): Promise<RebuildResult> {
    const batchSize = options.batchSize ?? 2000;
    const projections = createProjections(options.projections, SHADOW_SUFFIX);
    const groups = groupsOf(projections, options.concurrency ?? 5);
    const tables = projections.flatMap((p) => p.tables ?? []);
    const foldKeys = projections.flatMap((p) => p.foldKeys ?? []);
    const fold = (this.fold = new LogFold(this.ds));
    this.started = Date.now();
    const progress = (phase: RebuildProgress['phase'], position: string, head: string) =>
      options.onProgress?.({ phase, position, head, events: fold.events, failures: fold.failures, elapsedMs: Date.now() - this.started });
    // Catch up outside the swap, round after round (each folds what arrived during the last), until what is left
    // for the swap is at most SWAP_GAP events: the swap holds the live projector back while it folds them.
    const catchUp = async (after: string) => {
      for (let round = 0; round < CATCH_UP_ROUNDS; round++) {
        const head = await this.head(this.ds.manager);
        if (BigInt(head) - BigInt(after) <= BigInt(SWAP_GAP)) return after;
        after = await fold.foldUpTo(groups, after, head, batchSize, (p) => progress('catch-up', p, head));
      }
      this.logger.warn(`still more than ${SWAP_GAP} events behind the log after ${CATCH_UP_ROUNDS} rounds of catching up; swapping anyway`);
      return after;
    };

    await this.ds.transaction((m) => createShadowTables(m, tables, foldKeys));
    try {
      const head = await this.head(this.ds.manager);
      projections.forEach((p) => p.beginFold?.());
      let after = await fold.foldUpTo(groups, '0', head, batchSize, (p) => progress('fold', p, head));
      await options.beforeSwap?.();
      after = await catchUp(after);
      progress('index', after, head);
      await buildShadowIndexes((work) => this.ds.transaction(work), tables, groups.length, foldKeys);
      // Derived tables left during the fold, computed in one pass now that the indexes exist; per batch from here.
      for (const p of projections) if (p.completeFold) await this.ds.transaction((m) => p.completeFold!(m));
      const { head: finalHead, resolved } = await this.swap(projections, tables, options, after, catchUp);
      progress('done', finalHead, finalHead);
      return { projections: options.projections, head: finalHead, events: fold.events, failures: fold.failures, resolved };
    } catch (error) {
      await this.ds.transaction((m) => dropShadowTables(m, tables)).catch(() => undefined);
      throw error;
    }
  }

  private async swap(
    projections: Projection[],
    tables: string[],
    options: RebuildOptions,
    after: string,
    catchUp: (after: string) => Promise<string>,
  ): Promise<{ head: string; resolved: number }> {
    for (let attempt = 1, grew = 0; ; attempt++) {
      after = await catchUp(after);
      const counted = { events: this.fold.events, failures: this.fold.failures };
      const setAside = this.fold.failed.length;
      try {
        return await this.ds.transaction(async (m) => {
          await m.query(`SET LOCAL lock_timeout = '30s'`);
          // Durable before the rebuild reports it done, whatever the session's setting (the command turns it off).
          await m.query(`SET LOCAL synchronous_commit = on`);
          // Waits for in-flight projector batches to commit, and holds new ones back until the swap commits.
          await m.query(`LOCK TABLE read_model.projection_checkpoints IN EXCLUSIVE MODE`);
          const head = await this.head(m);
          // The log ran ahead while the lock was awaited (a projector batch finishing): let go and catch up again.
          if (BigInt(head) - BigInt(after) > BigInt(SWAP_GAP) && grew < CATCH_UP_ROUNDS) throw new GapGrewError();
          options.onProgress?.({
            phase: 'swap',
            position: after,
            head,
            events: this.fold.events,
            failures: this.fold.failures,
            elapsedMs: Date.now() - this.started,
          });
          const page = await this.fold.readPage(after, head, Number.MAX_SAFE_INTEGER, m);
          await this.fold.applyPageWithin(m, projections, page);
          this.fold.events += page.events.length + page.unreadable.length;
          await swapShadowTables(m, tables);
          await m.query(
            `INSERT INTO read_model.projection_checkpoints (projection, topic, partition, last_position, last_offset)
             SELECT p.name, $2, part, $4, -1 FROM unnest($1::text[]) AS p(name), unnest($3::int[]) AS part
             ON CONFLICT (projection, topic, partition)
             DO UPDATE SET last_position = GREATEST(projection_checkpoints.last_position, EXCLUDED.last_position), updated_at = now()`,
            [options.projections, options.topic, options.partitions, head],
          );
          // Their history is folded now: a backfill asked for them (a read model added to a running system) is done.
          await m.query(`DELETE FROM read_model.projection_backfills WHERE projection = ANY($1::text[])`, [options.projections]);
          // The rebuilt feed holds every event up to the head (or its failure, in projection_failures): the watermark
          // moves there now, and query instances hear of it. Left to the projector's walk, it crept up 5,000 events a
          // call after a rebuild of a log it had never seen: a million-event log took about 200 calls of 65-115 ms of
          // Postgres, and the live feed served nothing new until the walk was through.
          if (options.projections.includes('feed')) await moveFeedWatermarkTo(m, head);
          const resolved = await this.resolveFailures(m, options.projections, head);
          return { head, resolved };
        });
      } catch (error) {
        Object.assign(this.fold, counted);
        this.fold.failed.length = setAside;
        if (error instanceof GapGrewError) {
          grew++;
          attempt--;
          continue;
        }
        const code = (error as { code?: string }).code;
        if (attempt >= 3 || (code !== '40P01' && code !== '55P03')) throw error;
        this.logger.warn(`swap attempt ${attempt} failed (${code}); retrying`);
      }
    }
  }

  /**
   * The rebuilt tables hold every event up to `head` but those this rebuild set aside: a position the live projector
   * (or an earlier rebuild) had failed and this one folded is resolved, as a replay that applies it resolves it, so
   * readiness, the failed-positions metric and the next replay stop counting it. One statement, in the swap.
   */
  private async resolveFailures(m: EntityManager, names: readonly string[], head: string): Promise<number> {
    const kept = this.fold.failed;
    const [, count] = await m.query<[unknown[], number]>(
      `DELETE FROM read_model.projection_failures f
       WHERE f.projection = ANY($1::text[]) AND f.position <= $2::bigint
         AND NOT EXISTS (SELECT 1 FROM unnest($3::text[], $4::bigint[]) AS k(projection, position)
                         WHERE k.projection = f.projection AND k.position = f.position)`,
      [names, head, kept.map((k) => k.projection), kept.map((k) => k.position)],
    );
    return count;
  }

  private head(m: EntityManager): Promise<string> {
    return new EventLogReader(m).head();
  }
}
