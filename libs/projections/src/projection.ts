import { EntityManager } from 'typeorm';
import { ProjectedEvent } from './projected-event';

/**
 * A read model's persistence adapter. `apply` runs inside the projector's transaction, next to the checkpoint,
 * and must be idempotent: the same event applied twice leaves the same rows.
 */
export interface Projection {
  readonly name: string;
  apply(manager: EntityManager, event: ProjectedEvent): Promise<void>;
  /** Called after events were applied and committed (e.g. to advance a watermark); optional. */
  afterCommit?(manager: EntityManager): Promise<void>;
}
