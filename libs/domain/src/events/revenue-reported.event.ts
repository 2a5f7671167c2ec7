import { z } from 'zod';
import { enumOf } from '../values/enum.value';
import { moneySchema } from '../values/money.value';
import { periodSchema } from '../values/period.value';
import { defineEvent } from './event-definition.factory';

export const REVENUE_BASES = ['actual', 'annualized', 'projected'] as const;

/** Revenue over a period, as booked, annualized (run rate) or projected. */
export const revenueReportedEvent = defineEvent({
  type: 'revenue.reported',
  subjectKind: 'org',
  schemaVersion: 1,
  recordable: true,
  data: z.strictObject({
    money: moneySchema,
    period: periodSchema,
    basis: enumOf(REVENUE_BASES),
  }),
});
