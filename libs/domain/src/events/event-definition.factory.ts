import type { z } from 'zod';
import type { SubjectKind } from '../values/subject.value';

/** One event type: its persisted `type` string, the subject kind of its stream and its data schema. */
export interface EventDefinition<T extends string = string, S extends z.ZodType = z.ZodType> {
  type: T;
  /** null: any kind (corrections and retractions live in their target's stream). */
  subjectKind: SubjectKind | null;
  /** The schema version written today; older stored versions go through the upcasters. */
  schemaVersion: number;
  data: S;
  /** false for the types that only the corrections/retractions endpoints make. */
  recordable: boolean;
}

export function defineEvent<const T extends string, S extends z.ZodType>(def: EventDefinition<T, S>): EventDefinition<T, S> {
  return def;
}
