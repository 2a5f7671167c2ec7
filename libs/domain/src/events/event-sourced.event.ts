import { z } from 'zod';
import { sourceSchema } from '../values/source.value';
import { defineEvent } from './event-definition.factory';

/** Whether an attached source backs the fact or says it is wrong. */
export const stanceSchema = z.enum(['confirms', 'denies'], { error: 'must be confirms or denies' });

export type Stance = z.infer<typeof stanceSchema>;

/** Made only by the sources endpoint, in the target's stream: another outlet on a fact already on record. */
export const eventSourcedEvent = defineEvent({
  type: 'event.sourced',
  subjectKind: null,
  schemaVersion: 1,
  recordable: false,
  data: z.strictObject({
    targetEventId: z.uuid('must be a UUID'),
    source: sourceSchema,
    stance: stanceSchema,
  }),
});

export type EventSourcedData = z.infer<typeof eventSourcedEvent.data>;
