import { z } from 'zod';
import { subjectOfKind, subjectSchema } from '../values/subject.value';
import { textSchema } from '../values/text.value';
import { localized } from '../values/localized-text.value';
import { defineEvent } from './event-definition.factory';

/** Someone asks an authority to act against the subject organization (the stream is the target). */
export const regulatoryInterventionRequestedEvent = defineEvent({
  type: 'regulatory.intervention_requested',
  subjectKind: 'org',
  schemaVersion: 1,
  recordable: true,
  data: z.strictObject({
    by: subjectSchema,
    authority: subjectOfKind('authority'),
    request: localized(textSchema, 'What the authority is asked to do'),
  }),
});
