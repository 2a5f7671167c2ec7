import { z } from 'zod';
import { textSchema } from '../values/text.value';
import { localized } from '../values/localized-text.value';
import { defineEvent } from './event-definition.factory';

/** A change of legal or governance structure, e.g. from a non-profit-controlled entity to a public benefit corporation. */
export const governanceRestructuringAnnouncedEvent = defineEvent({
  type: 'governance.restructuring_announced',
  subjectKind: 'org',
  schemaVersion: 1,
  recordable: true,
  data: z.strictObject({
    from: localized(textSchema),
    to: localized(textSchema),
    detail: localized(textSchema).optional(),
  }),
});
