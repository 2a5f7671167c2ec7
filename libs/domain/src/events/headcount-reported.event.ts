import { z } from 'zod';
import { comparableText } from '../values/localized-text.rules';
import { LIMITS, nameKeySchema, storedName } from '../values/text.value';
import { defineEvent } from './event-definition.factory';

/**
 * The most people a headcount may count. The largest employers (Walmart, Amazon) have about 2 to 3 million; ten
 * million leaves room for any real one and refuses a figure mistyped by a few digits.
 */
export const MAX_HEADCOUNT = 10_000_000;

const countSchema = z
  .int({
    // A whole number too large to be exact (1e20) is still a whole number: what is wrong with it is its size.
    error: (iss) =>
      typeof iss.input === 'number' && Number.isInteger(iss.input)
        ? iss.input < 0
          ? 'must be 0 or more'
          : `must be at most ${MAX_HEADCOUNT}: no employer has that many people`
        : 'must be a whole number',
  })
  .min(0, 'must be 0 or more')
  .max(MAX_HEADCOUNT, `must be at most ${MAX_HEADCOUNT}: no employer has that many people`);

/** A function named `total` would be a second point on the total's basis in the financials report. */
const isTotalsName = (fn: string) => comparableText(fn) === 'total';
/**
 * isTotalsName as a JSON Schema pattern: comparableText trims, joins blanks and lowercases, and only ASCII letters
 * lowercase to t, o, a, l, so "total" in any case with blanks around it; classes, since patterns take no `i` flag.
 */
const TOTALS_NAME = '^\\s*[Tt][Oo][Tt][Aa][Ll]\\s*$';

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
        .record(nameKeySchema.meta({ not: { pattern: TOTALS_NAME } }), countSchema)
        .refine((r) => Object.keys(r).length <= LIMITS.items, `must have at most ${LIMITS.items} functions`)
        // On the keys as sent, so a path names the key the client wrote.
        .superRefine((byFunction, ctx) => {
          const seen = new Map<string, string>();
          for (const fn of Object.keys(byFunction)) {
            if (isTotalsName(fn)) {
              ctx.addIssue({ code: 'custom', path: [fn], message: 'names no function: "total" is the basis of the headcount total' });
            }
            // Functions are compared with case and spacing folded (financials, conflicts): two keys one function
            // would be two counts of it in one report, or one silently dropped once stored.
            const key = comparableText(fn);
            const first = seen.get(key);
            if (first !== undefined)
              ctx.addIssue({ code: 'custom', path: [fn], message: `names the function ${JSON.stringify(first)} again` });
            else seen.set(key, fn);
          }
        })
        .overwrite((byFunction) => Object.fromEntries(Object.entries(byFunction).map(([fn, n]) => [storedName(fn), n])))
        .meta({
          maxProperties: LIMITS.items,
          description:
            'People per function. A function is not "total" in any case or spacing (the basis of the total); the service ' +
            'also refuses two keys that name one function once case and spacing are folded ("Sales", " sales "), and ' +
            'functions counting more people than `total`',
        })
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
      const valid = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0 && (n as number) <= MAX_HEADCOUNT;
      const counted = counts.reduce((a, b) => a + b, 0);
      if (valid(data.total) && counts.every(valid) && counted > data.total!) {
        ctx.addIssue({ code: 'custom', path: ['byFunction'], message: `counts ${counted} people, more than the total of ${data.total}` });
      }
    })
    .meta({ anyOf: [{ required: ['total'] }, { required: ['byFunction'] }] }),
});
