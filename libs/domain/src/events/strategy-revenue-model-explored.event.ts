import { z } from 'zod';
import { boundedArray, nameSchema } from '../values/text.value';
import { localized } from '../values/localized-text.value';
import { defineEvent } from './event-definition.factory';

// The usual models; the list stays open because strategies outrun any enum.
export const KNOWN_REVENUE_MODELS = ['advertising', 'enterprise', 'api', 'subscriptions'] as const;

/** An organization explores ways to make money. */
export const strategyRevenueModelExploredEvent = defineEvent({
  type: 'strategy.revenue_model_explored',
  subjectKind: 'org',
  schemaVersion: 1,
  recordable: true,
  data: z.strictObject({
    models: boundedArray(localized(nameSchema.meta({ examples: [...KNOWN_REVENUE_MODELS] })), 1),
  }),
});
