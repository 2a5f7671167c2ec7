import { z } from 'zod';
import { textSchema } from '../values/text.value';
import { defineEvent } from './event-definition.factory';

/** Made only by the retractions endpoint: the target no longer counts as a fact. */
export const eventRetractedEvent = defineEvent({
  type: 'event.retracted',
  subjectKind: null,
  schemaVersion: 1,
  recordable: false,
  data: z.strictObject({
    targetEventId: z.uuid('must be a UUID'),
    reason: textSchema,
  }),
});
