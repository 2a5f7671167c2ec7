import { z } from 'zod';
import { roleCategorySchema } from '../values/role-category.value';
import { subjectOfKind } from '../values/subject.value';
import { boundedArray, nameSchema } from '../values/text.value';
import { localized } from '../values/localized-text.value';
import { defineEvent } from './event-definition.factory';

/** A person takes a role at an organization. */
export const executiveAppointedEvent = defineEvent({
  type: 'executive.appointed',
  subjectKind: 'person',
  schemaVersion: 1,
  recordable: true,
  data: z.strictObject({
    organization: subjectOfKind('org'),
    role: localized(nameSchema, 'The role as the story gives it'),
    roleCategory: roleCategorySchema,
    interim: z.boolean({ error: 'must be true or false' }).optional(),
    // Earlier positions or employers, as the story names them.
    previously: boundedArray(nameSchema).optional(),
  }),
});
