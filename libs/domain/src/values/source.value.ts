import { z } from 'zod';
import { languageSchema } from './language.value';
import { periodSchema } from './period.value';
import { LIMITS, boundedArray, nameSchema, textSchema, titleSchema } from './text.value';

export const urlSchema = z
  .url({ protocol: /^https?$/, error: 'must be an http or https URL' })
  .max(LIMITS.url, `must be at most ${LIMITS.url} characters`);

/** Where a fact comes from: the outlet and, when known, the article and the quote that backs it. */
export const sourceSchema = z.strictObject(
  {
    outlet: nameSchema,
    url: urlSchema.optional(),
    title: titleSchema.optional(),
    language: languageSchema,
    publishedAt: periodSchema.optional(),
    quote: textSchema.optional(),
    /** A syndicated copy: the outlet whose story this reprints (it counts once, as that outlet). */
    via: nameSchema.optional(),
  },
  { error: 'must be a source object' },
);

export type Source = z.infer<typeof sourceSchema>;

export const sourcesSchema = boundedArray(sourceSchema, 1);
