import { z } from 'zod';
import { subjectSchema } from '../values/subject.value';
import { boundedArray, nameSchema, textSchema, titleSchema } from '../values/text.value';
import { localized } from '../values/localized-text.value';
import { defineEvent } from './event-definition.factory';

/** Opens a case; the case subject is the stream, parties are subjects of any kind. */
export const lawsuitFiledEvent = defineEvent({
  type: 'lawsuit.filed',
  subjectKind: 'case',
  schemaVersion: 1,
  recordable: true,
  data: z.strictObject({
    title: localized(titleSchema),
    plaintiffs: boundedArray(subjectSchema, 1),
    defendants: boundedArray(subjectSchema, 1),
    court: localized(nameSchema).optional(),
    claims: boundedArray(localized(textSchema), 1),
  }),
});
