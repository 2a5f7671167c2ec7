import { z } from 'zod';
import { subjectSchema } from '../values/subject.value';
import { textSchema } from '../values/text.value';
import { defineEvent } from './event-definition.factory';

/**
 * Made only by the entity aliases endpoint, in the stream of the subject merged away: from now on it is the same
 * entity as `into` (same kind). Reports and entity pages show its facts under `into`'s canonical subject.
 */
export const entityMergedEvent = defineEvent({
  type: 'entity.merged',
  subjectKind: null,
  schemaVersion: 1,
  recordable: false,
  data: z.strictObject({
    into: subjectSchema,
    reason: textSchema,
  }),
});

export type EntityMergedData = z.infer<typeof entityMergedEvent.data>;
