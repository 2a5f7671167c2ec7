import { z } from 'zod';
import { enumOf } from '../values/enum.value';
import { moneySchema } from '../values/money.value';
import { periodSchema } from '../values/period.value';
import { defineEvent } from './event-definition.factory';

export const LOSS_BASES = ['actual', 'projected', 'cumulative_projected'] as const;

/** A loss over a period; cumulative_projected covers multi-year projections. */
export const financialLossReportedEvent = defineEvent({
  type: 'financial.loss_reported',
  subjectKind: 'org',
  schemaVersion: 1,
  recordable: true,
  data: z.strictObject({
    money: moneySchema,
    period: periodSchema,
    basis: enumOf(LOSS_BASES),
  }),
});
