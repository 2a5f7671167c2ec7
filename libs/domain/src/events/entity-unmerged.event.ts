import { z } from 'zod';
import { subjectSchema } from '../values/subject.value';
import { textSchema } from '../values/text.value';
import { defineEvent } from './event-definition.factory';

/** The reversal of entity.merged, in the same stream: the subject stands apart from `from` again. */
export const entityUnmergedEvent = defineEvent({
  type: 'entity.unmerged',
  subjectKind: null,
  schemaVersion: 1,
  recordable: false,
  data: z.strictObject({
    from: subjectSchema,
    reason: textSchema,
  }),
});

export type EntityUnmergedData = z.infer<typeof entityUnmergedEvent.data>;
