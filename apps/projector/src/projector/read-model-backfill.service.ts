import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { metric } from '@newsroom/platform';
import { PROJECTION_NAMES, readModelsBackfilling, readModelsWithoutHistory, RebuildRunningError } from '@newsroom/projections';
import type { ProjectorConfig } from '../config/projector.config';
import { runRebuild } from '../rebuild/rebuild.command';

/** How often a pending backfill that could not run (another rebuild holds it, or it failed) is tried again. */
const RETRY_MS = 60_000;

/**
 * A read model added to a running system (a new version brings one) gets the events from its first batch on. Its
 * history, the events the other read models already hold, is folded into it here, in the background, by the same
 * blue-green rebuild `npx newsroom rebuild <name>` runs: shadow tables, then a swap that sets its checkpoints, while
 * the live projection goes on. The intent is a row of `read_model.projection_backfills`, written at start before the
 * first batch, so a projector stopped or killed meanwhile takes it up again; the swap deletes it, whoever rebuilt.
 * Several projector instances share the work: a rebuild holds its read models' locks, the others wait their turn.
 */
export class ReadModelBackfill {
  private readonly logger = new Logger(ReadModelBackfill.name);
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly stop = new AbortController();
  /** Read models whose lost checkpoints were reported since their last backfill (said once, not once a partition). */
  private readonly lostSaid = new Set<string>();
  private readonly pending = metric('gauge', {
    name: 'projector_backfills_pending',
    help: 'Read models added to a running system whose history is not folded into them yet (read_model.projection_backfills)',
  });

  constructor(
    private readonly config: ProjectorConfig,
    private readonly db: DataSource,
    private readonly names: readonly string[],
  ) {}

  /**
   * Before the first batch: read models without a checkpoint while the others have some are new to this database.
   * With PROJECTOR_BACKFILL on, their backfill is recorded; off, the projector only says which rebuild to run.
   */
  async prepare(topic: string): Promise<void> {
    const found = await readModelsWithoutHistory(this.db, topic, this.names);
    for (const name of found?.names ?? []) {
      // Its first batches find it without checkpoints too (`lost`): said here already.
      this.lostSaid.add(name);
      this.logger.warn(
        `read model ${name} is new to this database: it gets the events from now on, not those up to position ${found!.position} the other read models hold; ${this.fold(name)}`,
      );
    }
    // The intent is recorded with PROJECTOR_BACKFILL off too: until a rebuild's swap deletes it, the reports drawing
    // on the read model say they are partial (the query service's Newsroom-Partial), and a start with it on takes it
    // up (the read model has checkpoints by then, so it would no longer be found new).
    if (found)
      await this.db.query(
        `INSERT INTO read_model.projection_backfills (projection, reason) SELECT name, $2 FROM unnest($1::text[]) AS name
         ON CONFLICT (projection) DO NOTHING`,
        [found.names, `no checkpoint while the others were at position ${found.position}`],
      );
    if (!this.config.PROJECTOR_BACKFILL)
      this.pending.set((await readModelsBackfilling(this.db)).filter((n) => PROJECTION_NAMES.includes(n)).length);
  }

  private fold(name: string): string {
    return this.config.PROJECTOR_BACKFILL
      ? 'folding its history into it in the background (a rebuild; the live projection goes on)'
      : `fold its history into it with \`npx newsroom rebuild ${name}\` (or \`npm run rebuild -- ${name}\`); its reports say they are partial until then`;
  }

  /**
   * While running: read models whose checkpoints vanished (their rows and checkpoints deleted by hand). The batch that
   * found it recorded their intent with its checkpoints (ProjectionRunner's onCheckpointsLost), and applied its events
   * to them as to a new read model: judged as at start, their history is folded in (or the rebuild named).
   */
  lost(names: readonly string[]): void {
    for (const name of names) {
      if (this.lostSaid.has(name)) continue;
      this.lostSaid.add(name);
      this.logger.warn(
        `read model ${name} lost its checkpoints while the projector ran (its rows and checkpoints deleted by hand?): it gets the events from now on, not the history before; ${this.fold(name)}`,
      );
    }
    if (this.config.PROJECTOR_BACKFILL) this.start();
    else
      void readModelsBackfilling(this.db).then(
        (pending) => this.pending.set(pending.filter((n) => PROJECTION_NAMES.includes(n)).length),
        () => undefined,
      );
  }

  /** Runs the recorded backfills now and looks again every minute while any is left (PROJECTOR_BACKFILL on). */
  start(): void {
    if (!this.config.PROJECTOR_BACKFILL || this.stop.signal.aborted) return;
    void this.runOnce();
    if (this.timer) return;
    this.timer = setInterval(() => void this.runOnce(), RETRY_MS);
    this.timer.unref();
  }

  /** Stops looking and aborts a backfill under way (its intent stays: the next start takes it up). */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.stop.abort();
    await this.running;
  }

  private runOnce(): Promise<void> {
    if (this.running || this.stop.signal.aborted) return this.running ?? Promise.resolve();
    this.running = this.backfill().finally(() => (this.running = null));
    return this.running;
  }

  private async backfill(): Promise<void> {
    let names: string[];
    try {
      names = (await readModelsBackfilling(this.db)).filter((n) => PROJECTION_NAMES.includes(n));
      this.pending.set(names.length);
    } catch (error) {
      this.logger.debug(`could not read the pending backfills: ${(error as Error).message}`);
      return;
    }
    if (!names.length) {
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
      return;
    }
    const started = Date.now();
    this.logger.log(`backfill: folding the history of ${names.join(', ')} (a rebuild in the background)`);
    try {
      const result = await runRebuild(this.config, {
        targets: names,
        signal: this.stop.signal,
        applicationName: 'projector backfill',
        write: (line) => this.logger.log(line.replace(/^\[rebuild\]/, 'backfill:')),
      });
      this.pending.set(0);
      for (const name of names) this.lostSaid.delete(name);
      this.logger.log(
        `backfill: ${names.join(', ')} hold their history up to position ${result.head} (${result.events} events in ${Math.round((Date.now() - started) / 1000)} s)`,
      );
    } catch (error) {
      if (this.stop.signal.aborted)
        this.logger.log(`backfill of ${names.join(', ')} stopped with the projector; the next start takes it up`);
      else if (error instanceof RebuildRunningError)
        this.logger.log(`backfill of ${names.join(', ')} waits: ${error.message}; looking again in ${RETRY_MS / 1000} s`);
      else this.logger.warn(`backfill of ${names.join(', ')} failed (${(error as Error).message}); trying again in ${RETRY_MS / 1000} s`);
    }
  }
}
