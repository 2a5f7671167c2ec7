import { z } from 'zod';
import { textSchema } from '../values/text.value';
import { defineEvent } from './event-definition.factory';

/**
 * Made only by the conflict resolution endpoint, in the stream of the two facts in contradiction: an editor says
 * which one stands and why. The other side stays on record (a retraction is how a fact leaves the reports).
 */
export const conflictResolvedEvent = defineEvent({
  type: 'conflict.resolved',
  subjectKind: null,
  schemaVersion: 1,
  recordable: false,
  data: z.strictObject({
    conflictId: z.uuid('must be a UUID'),
    standingEventId: z.uuid('must be a UUID'),
    /** The side that does not stand (filled in by the decider from the conflict). */
    otherEventId: z.uuid('must be a UUID'),
    reason: textSchema,
  }),
});
