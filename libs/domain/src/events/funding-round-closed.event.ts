import { z } from 'zod';
import { moneySchema } from '../values/money.value';
import { boundedArray, nameSchema } from '../values/text.value';
import { defineEvent } from './event-definition.factory';

/** Money raised, with the post-money valuation when reported. */
export const fundingRoundClosedEvent = defineEvent({
  type: 'funding.round_closed',
  subjectKind: 'org',
  schemaVersion: 1,
  recordable: true,
  data: z.strictObject({
    money: moneySchema,
    valuation: moneySchema.optional(),
    investors: boundedArray(nameSchema).optional(),
    leadInvestor: nameSchema.optional(),
  }),
});
