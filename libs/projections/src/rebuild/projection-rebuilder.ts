import { Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { EVENT_COLUMNS, toStoredEvent } from '@newsroom/event-store';
import type { Projection } from '../projection';
import { ProjectedEvent, projectedFromStored } from '../projected-event';
import { createProjections } from '../projection.registry';
import { createShadowTables, dropShadowTables, SHADOW_SUFFIX, swapShadowTables } from './shadow-tables';

export interface RebuildProgress {
  phase: 'fold' | 'catch-up' | 'swap' | 'done';
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
  onProgress?: (progress: RebuildProgress) => void;
  /** Called once the log has been folded, before catching up and swapping (tests append events here). */
  beforeSwap?: () => Promise<void>;
}

export interface RebuildResult {
  projections: readonly string[];
  head: string;
  events: number;
  failures: number;
}

/**
 * Blue-green rebuild: folds the whole event store, in position order and in batches, into shadow tables
 * (`<table>_next`) while the live projector keeps writing the live ones; catches up with what arrived meanwhile;
 * then, in one transaction that briefly pauses the live projector (an EXCLUSIVE lock on the checkpoints), folds
 * the last few events, swaps the tables in by renaming and sets these projections' checkpoints on every
 * partition to the head it folded, so the live projector skips exactly what the rebuild already applied.
 */
export class ProjectionRebuilder {
  private readonly logger = new Logger(ProjectionRebuilder.name);
  private events = 0;
  private failures = 0;
  private started = 0;

  constructor(private readonly ds: DataSource) {}

  async rebuild(options: RebuildOptions): Promise<RebuildResult> {
    const batchSize = options.batchSize ?? 1000;
    const projections = createProjections(options.projections, SHADOW_SUFFIX);
    const tables = projections.flatMap((p) => p.tables ?? []);
    this.events = 0;
    this.failures = 0;
    this.started = Date.now();
    const progress = (phase: RebuildProgress['phase'], position: string, head: string) =>
      options.onProgress?.({ phase, position, head, events: this.events, failures: this.failures, elapsedMs: Date.now() - this.started });

    await this.ds.transaction((m) => createShadowTables(m, tables));
    try {
      let after = '0';
      let head = await this.head(this.ds.manager);
      after = await this.foldUpTo(projections, after, head, batchSize, (p) => progress('fold', p, head));
      await options.beforeSwap?.();
      // Catch up outside the swap so the pause it causes stays short.
      for (let round = 0; round < 10; round++) {
        head = await this.head(this.ds.manager);
        if (BigInt(head) - BigInt(after) <= BigInt(batchSize)) break;
        after = await this.foldUpTo(projections, after, head, batchSize, (p) => progress('catch-up', p, head));
      }
      const finalHead = await this.swap(projections, tables, options, after);
      progress('done', finalHead, finalHead);
      return { projections: options.projections, head: finalHead, events: this.events, failures: this.failures };
    } catch (error) {
      await this.ds.transaction((m) => dropShadowTables(m, tables)).catch(() => undefined);
      throw error;
    }
  }

  private async swap(projections: Projection[], tables: string[], options: RebuildOptions, after: string): Promise<string> {
    const counted = { events: this.events, failures: this.failures };
    for (let attempt = 1; ; attempt++) {
      Object.assign(this, counted);
      try {
        return await this.ds.transaction(async (m) => {
          await m.query(`SET LOCAL lock_timeout = '30s'`);
          // Waits for in-flight projector batches to commit, and holds new ones back until the swap commits.
          await m.query(`LOCK TABLE read_model.projection_checkpoints IN EXCLUSIVE MODE`);
          const head = await this.head(m);
          options.onProgress?.({ phase: 'swap', position: after, head, events: this.events, failures: this.failures, elapsedMs: Date.now() - this.started });
          await this.foldInto(m, projections, after, head, Number.MAX_SAFE_INTEGER, true);
          await swapShadowTables(m, tables);
          await m.query(
            `INSERT INTO read_model.projection_checkpoints (projection, topic, partition, last_position, last_offset)
             SELECT p.name, $2, part, $4, -1 FROM unnest($1::text[]) AS p(name), unnest($3::int[]) AS part
             ON CONFLICT (projection, topic, partition)
             DO UPDATE SET last_position = GREATEST(projection_checkpoints.last_position, EXCLUDED.last_position), updated_at = now()`,
            [options.projections, options.topic, options.partitions, head],
          );
          return head;
        });
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (attempt >= 3 || (code !== '40P01' && code !== '55P03')) throw error;
        this.logger.warn(`swap attempt ${attempt} failed (${code}); retrying`);
      }
    }
  }

  private async head(m: EntityManager): Promise<string> {
    const [row] = await m.query(`SELECT coalesce(max(global_position), 0) AS head FROM event_store.events`);
    return String(row.head);
  }

  /** Folds (after, head] batch by batch, one transaction each; returns the last position folded. */
  private async foldUpTo(projections: Projection[], after: string, head: string, batchSize: number, onBatch: (p: string) => void) {
    let position = after;
    while (BigInt(position) < BigInt(head)) {
      const from = position;
      const counted = this.events;
      try {
        position = await this.ds.transaction((m) => this.foldInto(m, projections, from, head, batchSize, false));
      } catch {
        // One bad event fails the fast path: redo the batch event by event, setting the bad ones aside.
        this.events = counted;
        position = await this.ds.transaction((m) => this.foldInto(m, projections, from, head, batchSize, true));
      }
      onBatch(position);
    }
    return position;
  }

  private async foldInto(m: EntityManager, projections: Projection[], after: string, head: string, limit: number, careful: boolean): Promise<string> {
    const rows = await m.query(
      `SELECT ${EVENT_COLUMNS} FROM event_store.events WHERE global_position > $1 AND global_position <= $2
       ORDER BY global_position LIMIT $3`,
      [after, head, limit],
    );
    const events = rows.map((row: Record<string, unknown>) => projectedFromStored(toStoredEvent(row)));
    for (const projection of projections) {
      const take = events.filter((e: ProjectedEvent) => !projection.handles || projection.handles(e));
      if (!careful && projection.applyMany) await projection.applyMany(m, take);
      else for (const event of take) await (careful ? this.applyCarefully(m, projection, event) : projection.apply(m, event));
    }
    this.events += events.length;
    return events.length ? events[events.length - 1].globalPosition : after;
  }

  private async applyCarefully(m: EntityManager, projection: Projection, event: ProjectedEvent): Promise<void> {
    await m.query('SAVEPOINT rebuild_event');
    try {
      await projection.apply(m, event);
      await m.query('RELEASE SAVEPOINT rebuild_event');
    } catch (error) {
      await m.query('ROLLBACK TO SAVEPOINT rebuild_event');
      // A lost connection or a deadlock is not the event's fault: the whole step is retried or fails.
      if (/^(08|40|57P0)/.test((error as { code?: string }).code ?? '')) throw error;
      this.failures++;
      const reason = (error as Error)?.message ?? String(error);
      this.logger.error(`rebuild skipped ${event.id} (position ${event.globalPosition}) for ${projection.name}: ${reason}`);
      await m.query(
        `INSERT INTO read_model.projection_failures (projection, position, event_id, type, error) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING`,
        [projection.name, event.globalPosition, event.id, event.type, reason.slice(0, 2000)],
      );
    }
  }
}
