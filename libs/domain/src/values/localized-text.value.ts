import { z } from 'zod';

/** The languages free text may be given in (the languages headlines, reports and the feed are served in). */
export const TEXT_LANGS = ['en', 'fr'] as const;
export type TextLang = (typeof TEXT_LANGS)[number];

/**
 * The language a plain string is taken to be in. Every value recorded before per-language text existed is English
 * ("Chief Technology Officer"), so a plain string keeps meaning what it meant: the English text.
 */
export const DEFAULT_TEXT_LANG: TextLang = 'en';

/** Free text, either a plain string (in the default language) or given per language: `{"en": "...", "fr": "..."}`. */
export type LocalizedText = string | { en?: string; fr?: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Is this a per-language object (`{en?, fr?}` with at least one string)? */
export function isPerLanguage(value: unknown): value is { en?: string; fr?: string } {
  return isRecord(value) && (typeof value.en === 'string' || typeof value.fr === 'string');
}

/**
 * A text field that also takes `{"en": "...", "fr": "..."}`: each language's text checked by `base` (length, not
 * blank), at least one of the two, no other key. A plain string stays valid and means the default language.
 */
export function localized<T extends z.ZodType<string>>(base: T, description?: string) {
  const perLanguage = z
    .strictObject({ en: base.optional(), fr: base.optional() }, { error: 'must be a string or an object {"en": "...", "fr": "..."}' })
    .refine((v) => v.en !== undefined || v.fr !== undefined, { message: 'give the text in at least one of en, fr', path: [] })
    // The refinement, as JSON Schema says it: with en and fr the only keys, at least one of them.
    .meta({ minProperties: 1 });
  return z
    .union([base, perLanguage], {
      error: (iss) => (iss.input === undefined ? 'required' : 'must be a string or an object {"en": "...", "fr": "..."}'),
    })
    .meta({
      description: `${description ? `${description}. ` : ''}A string (English), or the text per language: {"en": "...", "fr": "..."}`,
      examples: ['Chief Technology Officer', { en: 'Chief Technology Officer', fr: 'directrice technique' }],
    });
}

/** The languages a value is given in ([] for a value that is not text). */
export function languagesOf(value: unknown): TextLang[] {
  if (typeof value === 'string') return [DEFAULT_TEXT_LANG];
  if (!isPerLanguage(value)) return [];
  return TEXT_LANGS.filter((l) => typeof value[l] === 'string');
}

/** The text a value gives in exactly this language, or undefined (no fallback, no glossary). */
export function givenIn(value: unknown, lang: TextLang): string | undefined {
  if (typeof value === 'string') return lang === DEFAULT_TEXT_LANG ? value : undefined;
  if (!isPerLanguage(value)) return undefined;
  return value[lang];
}

/** The text in the default language, else in the other one: what a plain-text column or a sort key keeps. */
export function defaultTextOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (!isPerLanguage(value)) return '';
  return value[DEFAULT_TEXT_LANG] ?? TEXT_LANGS.map((l) => value[l]).find((t) => t !== undefined) ?? '';
}

/** The value as a per-language object, for storage: a plain string becomes `{en: string}`; not text: null. */
export function perLanguageOf(value: unknown): { en?: string; fr?: string } | null {
  if (typeof value === 'string') return { [DEFAULT_TEXT_LANG]: value };
  if (!isPerLanguage(value)) return null;
  const out: { en?: string; fr?: string } = {};
  for (const l of TEXT_LANGS) if (typeof value[l] === 'string') out[l] = value[l];
  return out;
}
