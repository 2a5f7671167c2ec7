import { z } from 'zod';
import { subjectSchema } from '../values/subject.value';
import { boundedArray, nameSchema, textSchema, titleSchema } from '../values/text.value';
import { localized } from '../values/localized-text.value';
import { defineEvent } from './event-definition.factory';

/** A party sues or is sued: an organization, a person or an authority, never a case or a product. */
const partySchema = subjectSchema
  .refine((s) => !/^(case|product):/.test(s), {
    message: 'must be an org, person or authority subject: a case or a product is not a party',
  })
  .meta({ not: { pattern: '^(case|product):' }, description: 'An org, person or authority subject: a case or a product is not a party' });

/** A side of the case: each party once (JSON Schema's uniqueItems; the service names the second listing). */
const partiesSchema = boundedArray(partySchema, 1).meta({ uniqueItems: true });

/** Opens a case; the case subject is the stream, parties are organizations, people or authorities. */
export const lawsuitFiledEvent = defineEvent({
  type: 'lawsuit.filed',
  subjectKind: 'case',
  schemaVersion: 1,
  recordable: true,
  data: z
    .strictObject({
      title: localized(titleSchema),
      plaintiffs: partiesSchema,
      defendants: partiesSchema.meta({ description: 'Each once; the service also refuses a defendant who is a plaintiff' }),
      court: localized(nameSchema).optional(),
      claims: boundedArray(localized(textSchema), 1),
    })
    .superRefine((data, ctx) => {
      for (const side of ['plaintiffs', 'defendants'] as const) {
        data[side].forEach((party, i) => {
          const first = data[side].indexOf(party);
          if (first < i) ctx.addIssue({ code: 'custom', path: [side, i], message: `is listed twice: it is ${side}[${first}] too` });
        });
      }
      const plaintiffs = new Set(data.plaintiffs);
      data.defendants.forEach((d, i) => {
        if (plaintiffs.has(d))
          ctx.addIssue({ code: 'custom', path: ['defendants', i], message: 'is also a plaintiff: a party does not sue itself' });
      });
    }),
});
