import { z } from 'zod';
import { nameSchema, textSchema } from '../values/text.value';
import { defineEvent } from './event-definition.factory';

/**
 * Made only by the entity aliases endpoint, in the entity's own stream: another display name it goes by
 * ("Samuel H. Altman"). `removed: true` is the reversal (the name is no longer one of its aliases).
 */
export const entityAliasedEvent = defineEvent({
  type: 'entity.aliased',
  subjectKind: null,
  schemaVersion: 1,
  recordable: false,
  data: z.strictObject({
    name: nameSchema,
    removed: z.boolean().optional(),
    reason: textSchema.optional(),
  }),
});

export type EntityAliasedData = z.infer<typeof entityAliasedEvent.data>;
