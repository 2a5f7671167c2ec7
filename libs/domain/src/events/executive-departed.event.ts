import { z } from 'zod';
import { enumOf } from '../values/enum.value';
import { roleCategorySchema } from '../values/role-category.value';
import { subjectOfKind } from '../values/subject.value';
import { nameSchema } from '../values/text.value';
import { localized } from '../values/localized-text.value';
import { defineEvent } from './event-definition.factory';

export const DEPARTURE_REASONS = ['resigned', 'fired', 'retired', 'leave', 'unknown'] as const;
export type DepartureReason = (typeof DEPARTURE_REASONS)[number];

/** A person leaves a role; accepted even when the appointment is not on record (news arrives out of order). */
export const executiveDepartedEvent = defineEvent({
  type: 'executive.departed',
  subjectKind: 'person',
  schemaVersion: 1,
  recordable: true,
  data: z.strictObject({
    organization: subjectOfKind('org'),
    role: localized(nameSchema, 'The role as the story gives it'),
    roleCategory: roleCategorySchema,
    reason: enumOf(DEPARTURE_REASONS).optional(),
    // A subject ("org:anthropic") or a plain name when the destination is not tracked.
    destination: localized(nameSchema, 'A subject or a plain name').optional(),
  }),
});
