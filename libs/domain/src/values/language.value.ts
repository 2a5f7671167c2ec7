import { z } from 'zod';

/**
 * A BCP 47 tag, checked with Intl (plain, deterministic JS). Intl accepts 5-8 letter primary subtags
 * ("english") that no registered language uses, so the primary subtag must also be 2-3 letters.
 */
export function isLanguageTag(tag: string): boolean {
  if (typeof tag !== 'string' || !/^[A-Za-z]{2,3}(-|$)/.test(tag)) return false;
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

export const languageSchema = z
  .string({ error: (iss) => (iss.input === undefined ? 'required' : 'must be a BCP 47 language tag') })
  .max(100)
  .refine(isLanguageTag, 'must be a BCP 47 language tag such as "fr" or "en-US"')
  .meta({ description: 'BCP 47 language tag', examples: ['fr', 'en-US'] });
