import { z } from 'zod';
import { textSchema } from '../values/text.value';
import { localized } from '../values/localized-text.value';
import { comparableText } from '../values/localized-text.rules';
import { defineEvent } from './event-definition.factory';

/** A change of legal or governance structure, e.g. from a non-profit-controlled entity to a public benefit corporation. */
export const governanceRestructuringAnnouncedEvent = defineEvent({
  type: 'governance.restructuring_announced',
  subjectKind: 'org',
  schemaVersion: 1,
  recordable: true,
  data: z
    .strictObject({
      from: localized(textSchema),
      to: localized(textSchema),
      detail: localized(textSchema).optional(),
    })
    // Compared as conflicts compare text: in English (through the glossary), case and spacing folded.
    .superRefine((data, ctx) => {
      const from = comparableText(data.from);
      if (from && from === comparableText(data.to))
        ctx.addIssue({ code: 'custom', path: ['to'], message: 'is the structure it changes from: a restructuring changes something' });
    }),
});
