import { z } from 'zod';
import { compareAmounts, moneySchema } from '../values/money.value';
import { boundedArray, nameSchema } from '../values/text.value';
import { defineEvent } from './event-definition.factory';

/** Money raised, with the post-money valuation when reported. */
export const fundingRoundClosedEvent = defineEvent({
  type: 'funding.round_closed',
  subjectKind: 'org',
  schemaVersion: 1,
  recordable: true,
  data: z
    .strictObject({
      money: moneySchema,
      valuation: moneySchema.optional(),
      investors: boundedArray(nameSchema).optional(),
      leadInvestor: nameSchema.optional(),
    })
    // Post-money is what the company is worth with the money raised in it. Two currencies are not compared (no
    // rates here), and valid amounts only (zod runs this after their own issues, on whatever they were).
    .superRefine((data, ctx) => {
      const { money, valuation } = data;
      if (!valuation || valuation.currency !== money?.currency) return;
      if (compareAmounts(valuation.amount, money.amount) === -1)
        ctx.addIssue({
          code: 'custom',
          path: ['valuation', 'amount'],
          message: `is below the ${money.amount} ${money.currency} raised: a post-money valuation includes the round`,
        });
    }),
});
