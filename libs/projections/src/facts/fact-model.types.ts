import type { RecordableEventType } from '@newsroom/domain';
import type { ProjectedEvent } from '../projected-event.mapper';
import type { FactRow, FactVersion } from './fact-version.types';

/** How a model's own columns are written: plain, JSON (jsonb) or a text[] array. */
export type ColumnKind = 'plain' | 'json' | 'array';

/** What one read model keeps of the facts it cares about; the bitemporal bookkeeping is shared. */
export interface FactModel<T extends RecordableEventType = RecordableEventType> {
  /** Story event types this model folds (corrections and retractions of them are followed automatically). */
  readonly types: readonly T[];
  /** The model's own columns, after the common ones. */
  readonly columns: Readonly<Record<string, ColumnKind>>;
  /**
   * The rows one version of a fact stands for; at least one for every type in `types`. Its data is typed by the
   * fact's type, so a field renamed in the event's schema fails to compile here.
   */
  rows(fact: FactVersion<T>): FactRow[];
  /**
   * Storage only, for models with several rows per version (a mention, a source link each): when set, the version's
   * first row (its lead row) alone keeps the payload, its data, sources and inferred fields and these own columns;
   * the other rows keep keys and NULL there, and readers join the lead row (`leadRowJoin`). One copy of the payload
   * per version instead of one per row. `rows` still returns every column on every row.
   */
  readonly leadRowColumns?: readonly string[];
}

/** Is the event of one of the model's own types? */
export function isModelEvent<T extends RecordableEventType>(
  model: FactModel<T>,
  event: ProjectedEvent,
): event is Extract<ProjectedEvent, { type: T }> {
  return (model.types as readonly string[]).includes(event.type);
}
