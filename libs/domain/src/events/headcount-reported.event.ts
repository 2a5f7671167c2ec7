import { z } from 'zod';
import { LIMITS, nameSchema } from '../values/text.value';
import { defineEvent } from './event-definition.factory';

const countSchema = z.int({ error: 'must be a whole number' }).min(0, 'must be 0 or more');

/** Staff numbers: a total, a breakdown by function, or both. */
export const headcountReportedEvent = defineEvent({
  type: 'headcount.reported',
  subjectKind: 'org',
  schemaVersion: 1,
  recordable: true,
  data: z
    .strictObject({
      total: countSchema.optional(),
      byFunction: z
        .record(nameSchema, countSchema)
        .refine((r) => Object.keys(r).length <= LIMITS.items, `must have at most ${LIMITS.items} functions`)
        .optional(),
    })
    // The refinement does not reach JSON Schema, so the same rule is spelled there as anyOf.
    .superRefine((data, ctx) => {
      const hasBreakdown = data.byFunction !== undefined && Object.keys(data.byFunction).length > 0;
      if (data.total === undefined && !hasBreakdown) {
        ctx.addIssue({ code: 'custom', path: [], message: 'needs total or a non-empty byFunction' });
      }
      // A breakdown may be partial (some functions only), never more than the whole.
      // Only once the counts themselves are valid (zod runs this after their own issues, on whatever they were).
      const counts = hasBreakdown ? Object.values(data.byFunction!) : [];
      const valid = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0;
      const counted = counts.reduce((a, b) => a + b, 0);
      if (valid(data.total) && counts.every(valid) && counted > data.total!) {
        ctx.addIssue({ code: 'custom', path: ['byFunction'], message: `counts ${counted} people, more than the total of ${data.total}` });
      }
    })
    .meta({ anyOf: [{ required: ['total'] }, { required: ['byFunction'] }] }),
});
