import { EntityManager } from 'typeorm';
import { ProjectedEvent } from './projected-event.mapper';

/**
 * A unique key of a read model's table that a rebuild's fold goes without (`Projection.foldKeys`): the key's columns
 * as its index lists them, and the columns of a plain index the fold finds rows by instead, whose values come in log
 * order (so its inserts append at its end).
 */
export interface FoldKey {
  table: string;
  columns: readonly string[];
  lookup?: readonly string[];
}

/**
 * A read model's persistence adapter. `apply` runs inside the projector's transaction, next to the checkpoint,
 * and must be idempotent: the same event applied twice leaves the same rows.
 */
export interface Projection {
  readonly name: string;
  /** The read_model tables it owns (base names), which a rebuild recreates and swaps in. */
  readonly tables?: readonly string[];
  apply(manager: EntityManager, event: ProjectedEvent): Promise<void>;
  /**
   * Optional fast path: the same effect as `apply` on each event in order, with fewer round trips. Statements run for
   * their effect go through `write` (write-pipeline.util), which the runner holds and sends with the batch's COMMIT;
   * its reads must name only the tables this read model owns (another's held writes are not sent before them).
   */
  applyMany?(manager: EntityManager, events: ProjectedEvent[]): Promise<void>;
  /** False when the event cannot change this model: the runner then skips it (its checkpoint still moves). */
  handles?(event: ProjectedEvent): boolean;
  /** Called after events were applied and committed (e.g. to advance a watermark); optional. */
  afterCommit?(manager: EntityManager): Promise<void>;
  /**
   * A rebuild folding the whole log calls this first: derived tables kept per batch (a cache of the model's own
   * rows) may then be left to `completeFold`, which computes them in one pass once the fold is done and returns
   * to per-batch upkeep for the events that follow. Optional.
   */
  beginFold?(): void;
  completeFold?(manager: EntityManager): Promise<void>;
  /**
   * Unique keys whose values come in random order (event ids): a fold of a million events inserted rows all over
   * their indexes, which outgrow the shared buffers, and Postgres wrote each page it touched whole to the WAL again
   * after every checkpoint. A rebuild's shadow tables go without them while the log is folded (each event is folded
   * once into empty tables, so nothing can collide) and get them back, each by one sort, once it is; the swap then
   * checks every row against them. Between `beginFold` and `completeFold` the model finds its rows by `lookup` or by
   * another key, never by these.
   */
  readonly foldKeys?: readonly FoldKey[];
}
