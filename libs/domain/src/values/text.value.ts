import { z } from 'zod';
import { defaultTextOf, isPerLanguage } from './localized-text.value';

/**
 * Display text of a value read from JSON: strings and numbers as they are, text given per language
 * (`{"en", "fr"}`) in the default language (see `textIn` for another), nothing as '', anything else as JSON.
 */
export function textOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (isPerLanguage(value)) return defaultTextOf(value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

// Every string and array is bounded so a single submission has a bounded size.
export const LIMITS = { name: 200, title: 500, text: 2000, items: 100, url: 2048 } as const;

// Something visible: not only spaces, nor only zero-width and other format characters (U+200B, U+200D, U+FEFF...).
const notBlank = /[^\s\p{Cf}]/u;

function boundedString(max: number, what: string) {
  return z
    .string({ error: (iss) => (iss.input === undefined ? 'required' : `must be a string`) })
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(notBlank, `${what} must not be blank`);
}

/** A short name: a role, an outlet, an investor (1..200 chars). */
export const nameSchema = boundedString(LIMITS.name, 'name');
/** A title (1..500 chars). */
export const titleSchema = boundedString(LIMITS.title, 'title');
/** Free text: a reason, a claim, a quote (1..2000 chars). */
export const textSchema = boundedString(LIMITS.text, 'text');

/** A bounded array (0..100 items unless `min` says otherwise). */
export function boundedArray<T extends z.ZodType>(item: T, min = 0) {
  const base = z.array(item).max(LIMITS.items, `must have at most ${LIMITS.items} items`);
  return min > 0 ? base.min(min, `must have at least ${min} item${min > 1 ? 's' : ''}`) : base;
}
