import { z } from 'zod';

/** Tags already checked and the answer: a newsroom uses a handful, and Intl's check costs microseconds a call. */
const checked = new Map<string, boolean>();
/** Bounded: hostile input of ever-new tags empties the map rather than growing it. */
const MAX_CHECKED = 512;

/**
 * A BCP 47 tag, checked with Intl (plain, deterministic JS). Intl accepts 5-8 letter primary subtags
 * ("english") that no registered language uses, so the primary subtag must also be 2-3 letters.
 */
export function isLanguageTag(tag: string): boolean {
  if (typeof tag !== 'string') return false;
  const known = checked.get(tag);
  if (known !== undefined) return known;
  const ok = checkLanguageTag(tag);
  if (checked.size >= MAX_CHECKED) checked.clear();
  checked.set(tag, ok);
  return ok;
}

function checkLanguageTag(tag: string): boolean {
  if (!/^[A-Za-z]{2,3}(-|$)/.test(tag)) return false;
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

/**
 * The shape of every tag isLanguageTag accepts, for JSON Schema: a 2-3 letter primary subtag, then subtags of 1 to 8
 * letters or digits after single hyphens (Intl accepts nothing else). Intl's full check (subtag order and kinds, no
 * repeated variant) stays with the service.
 */
export const LANGUAGE_TAG_SHAPE = '^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$';

export const languageSchema = z
  .string({ error: (iss) => (iss.input === undefined ? 'required' : 'must be a BCP 47 language tag') })
  .max(100)
  .refine(isLanguageTag, 'must be a BCP 47 language tag such as "fr" or "en-US"')
  .meta({
    pattern: LANGUAGE_TAG_SHAPE,
    description:
      'BCP 47 language tag. The pattern checks the shape (a 2-3 letter language, then subtags of 1-8 letters or digits); ' +
      'the service also checks the tag is well-formed (Intl.getCanonicalLocales)',
    examples: ['fr', 'en-US'],
  });
