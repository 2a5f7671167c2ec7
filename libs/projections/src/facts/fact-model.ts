import type { EventType } from '@newsroom/domain';
import type { FactRow, FactVersion } from './fact-version';

/** How a model's own columns are written: plain, JSON (jsonb) or a text[] array. */
export type ColumnKind = 'plain' | 'json' | 'array';

/** What one read model keeps of the facts it cares about; the bitemporal bookkeeping is shared. */
export interface FactModel {
  /** Story event types this model folds (corrections and retractions of them are followed automatically). */
  readonly types: readonly EventType[];
  /** The model's own columns, after the common ones. */
  readonly columns: Readonly<Record<string, ColumnKind>>;
  /** The rows one version of a fact stands for; at least one for every type in `types`. */
  rows(fact: FactVersion): FactRow[];
}
