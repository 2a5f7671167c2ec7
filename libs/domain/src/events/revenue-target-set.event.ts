import { z } from 'zod';
import { moneySchema } from '../values/money.value';
import { periodSchema } from '../values/period.value';
import { subjectOfKind } from '../values/subject.value';
import { defineEvent } from './event-definition.factory';

/** A revenue goal for a future period, optionally attributed to the person who set it. */
export const revenueTargetSetEvent = defineEvent({
  type: 'revenue.target_set',
  subjectKind: 'org',
  schemaVersion: 1,
  recordable: true,
  data: z.strictObject({
    money: moneySchema,
    targetPeriod: periodSchema,
    setBy: subjectOfKind('person').optional(),
  }),
});
