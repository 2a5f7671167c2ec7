import { z } from 'zod';
import { inferredSchema } from '../values/inferred.value';
import { periodSchema } from '../values/period.value';
import { LIMITS, textSchema } from '../values/text.value';
import { defineEvent } from './event-definition.factory';

/**
 * What a correction changes. `data` is a JSON merge patch (RFC 7386) over the target's current data:
 * given keys replace, null removes an optional field. Its content is checked against the target's type later.
 * `inferred` replaces the fact's list of fields its sources do not state (`[]`: every value is now sourced);
 * without it the list stays as it was. Its paths must name fields of the corrected fact.
 */
export const correctionChangesSchema = z
  .strictObject({
    occurredAt: periodSchema.optional(),
    data: z
      .record(z.string().max(LIMITS.name), z.unknown(), { error: 'must be an object of fields to change' })
      .refine((r) => Object.keys(r).length <= LIMITS.items, `must change at most ${LIMITS.items} fields`)
      .optional(),
    inferred: inferredSchema.optional(),
  })
  .superRefine((changes, ctx) => {
    const changesData = changes.data !== undefined && Object.keys(changes.data).length > 0;
    if (changes.occurredAt === undefined && !changesData && changes.inferred === undefined) {
      ctx.addIssue({ code: 'custom', path: [], message: 'must change occurredAt, data or inferred' });
    }
  })
  .meta({ minProperties: 1 });

export type CorrectionChanges = z.infer<typeof correctionChangesSchema>;

/** Made only by the corrections endpoint, in the target's stream. */
export const eventCorrectedEvent = defineEvent({
  type: 'event.corrected',
  subjectKind: null,
  schemaVersion: 1,
  recordable: false,
  data: z.strictObject({
    targetEventId: z.uuid('must be a UUID'),
    changes: correctionChangesSchema,
    reason: textSchema,
  }),
});
