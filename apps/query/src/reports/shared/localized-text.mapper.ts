import { textIn, type TextLang } from '@newsroom/domain';

/**
 * Free text of a report item in the requested language. `values` maps each field the item shows to its stored
 * per-language value (the `*_i18n` column) or, when that is null (a subject, a row written before the column),
 * to the plain text column. Answers the texts and the fields that fell back to the other language.
 */
export function textsIn<K extends string>(
  lang: TextLang,
  values: Record<K, { i18n: unknown; plain: string | null }>,
): { texts: Record<K, string | null>; fallbacks: K[] } {
  const texts = {} as Record<K, string | null>;
  const fallbacks: K[] = [];
  for (const key of Object.keys(values) as K[]) {
    const { i18n, plain } = values[key];
    if (i18n === null || i18n === undefined) {
      texts[key] = plain;
      continue;
    }
    const t = textIn(i18n, lang);
    texts[key] = t.text;
    if (t.fallback) fallbacks.push(key);
  }
  return { texts, fallbacks };
}

/** A list of free texts (claims, features) in the language; `name[i]` in fallbacks for each that fell back. */
export function listIn(lang: TextLang, name: string, i18n: unknown, plain: unknown): { texts: string[]; fallbacks: string[] } {
  const stored = Array.isArray(i18n) ? i18n : null;
  const fallbackList = Array.isArray(plain) ? plain.map(String) : [];
  if (!stored) return { texts: fallbackList, fallbacks: [] };
  const fallbacks: string[] = [];
  const texts = stored.map((v, i) => {
    if (v === null) return fallbackList[i] ?? '';
    const t = textIn(v, lang);
    if (t.fallback) fallbacks.push(`${name}[${i}]`);
    return t.text;
  });
  return { texts, fallbacks };
}
