import { z } from 'zod';
import { enumOf } from '../values/enum.value';
import { subjectOfKind } from '../values/subject.value';
import { boundedArray, nameSchema, textSchema } from '../values/text.value';
import { localized } from '../values/localized-text.value';
import { defineEvent } from './event-definition.factory';

export const PRODUCT_STATUSES = ['announced', 'launched'] as const;

/** A product announced or launched by an organization; the product subject is the stream. */
export const productAnnouncedEvent = defineEvent({
  type: 'product.announced',
  subjectKind: 'product',
  schemaVersion: 1,
  recordable: true,
  data: z.strictObject({
    organization: subjectOfKind('org'),
    name: nameSchema,
    features: boundedArray(localized(textSchema)),
    status: enumOf(PRODUCT_STATUSES),
  }),
});
