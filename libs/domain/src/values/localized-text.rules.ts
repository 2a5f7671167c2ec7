import { BILINGUAL_GLOSSARY, type GlossaryEntry } from './bilingual-glossary.const';
import { givenIn, isPerLanguage, TEXT_LANGS, type TextLang } from './localized-text.value';
import { textOf } from './text.value';

/**
 * A value's text in one language and where it came from: `given` (the event has it in that language), `glossary`
 * (the event has it in the other language only and the glossary knows it), `fallback` (neither: the other
 * language's text, which the answer must show as such) or `none` (not text: a number, nothing).
 */
export interface TextIn {
  text: string;
  /** The language of `text`; null when the value is not text. */
  lang: TextLang | null;
  via: 'given' | 'glossary' | 'fallback' | 'none';
  /** true when `text` is not in the requested language. */
  fallback: boolean;
}

/**
 * Text as compared: canonical composition (NFC: an accent typed as a combining mark is the precomposed letter), blanks
 * trimmed and joined, typographic apostrophes as the ASCII one, lowercased. The glossary's spellings and every free
 * text compared as a claim (`comparableText`) go through it.
 */
const keyOf = (s: string) =>
  s
    .normalize('NFC')
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/[\u2019\u2018]/g, "'")
    .toLowerCase();

// Each spelling of each language points at its entry; built once.
const INDEX: Readonly<Record<TextLang, Map<string, GlossaryEntry>>> = (() => {
  const index = { en: new Map<string, GlossaryEntry>(), fr: new Map<string, GlossaryEntry>() };
  for (const e of BILINGUAL_GLOSSARY) {
    for (const s of [e.en, ...(e.enAlso ?? [])]) index.en.set(keyOf(s), e);
    for (const s of [e.fr, ...(e.frAlso ?? [])]) index.fr.set(keyOf(s), e);
  }
  return index;
})();

/** The glossary's word in `to` for a text given in `from`, or undefined when the glossary does not know it. */
export function glossaryTranslation(text: string, from: TextLang, to: TextLang): string | undefined {
  if (from === to) return text;
  return INDEX[from].get(keyOf(text))?.[to];
}

/** The glossary's own spelling of a text given in `lang` (its capitals: "Cnil" -> "CNIL"), or undefined. */
export function glossarySpellingOf(text: string, lang: TextLang): string | undefined {
  const entry = INDEX[lang].get(keyOf(text));
  const spellings = lang === 'en' ? [entry?.en, ...(entry?.enAlso ?? [])] : [entry?.fr, ...(entry?.frAlso ?? [])];
  return spellings.find((s) => s !== undefined && keyOf(s) === keyOf(text));
}

/** The glossary's entry for a text given in `from`, or undefined. */
export function glossaryEntryOf(text: string, from: TextLang): GlossaryEntry | undefined {
  return INDEX[from].get(keyOf(text));
}

/**
 * A value's text in `lang`: as given in that language; else the glossary's translation of the other language's
 * text; else the other language's text, marked as a fallback. A plain string is the default language (English).
 */
export function textIn(value: unknown, lang: TextLang): TextIn {
  const own = givenIn(value, lang);
  if (own !== undefined) return { text: own, lang, via: 'given', fallback: false };
  if (typeof value !== 'string' && !isPerLanguage(value)) return { text: textOf(value), lang: null, via: 'none', fallback: false };
  for (const other of TEXT_LANGS) {
    const text = givenIn(value, other);
    if (text === undefined) continue;
    const translated = glossaryTranslation(text, other, lang);
    if (translated !== undefined) return { text: translated, lang, via: 'glossary', fallback: false };
  }
  const other = TEXT_LANGS.find((l) => givenIn(value, l) !== undefined)!;
  return { text: givenIn(value, other)!, lang: other, via: 'fallback', fallback: true };
}

/** The text in `lang` with a visible marker when it fell back: "Chief Research Officer [en]". */
export function markedTextIn(value: unknown, lang: TextLang): string {
  const t = textIn(value, lang);
  return t.fallback ? `${t.text} [${t.lang}]` : t.text;
}

/**
 * A free-text value as compared: a per-language value by its English (else first) text; composition (NFC), case,
 * spacing and typographic apostrophes folded (`keyOf`), so "chargé" typed with a combining accent and "directeur de
 * l’innovation" with a curly apostrophe are the texts a reader sees as the same.
 */
export function comparableText(value: unknown): string {
  // In English, through the glossary when only French is given ("directrice technique" and "Chief Technology
  // Officer" are one role), so a French-only value claims the same thing as its English form.
  const text = value === null || value === undefined ? '' : textIn(value, 'en').text;
  return keyOf(text ?? '');
}
