import type { DisplayNames } from '../entities/subject-names.rules';
import { glossaryEntryOf, glossarySpellingOf, glossaryTranslation, markedTextIn } from '../values/localized-text.rules';
import { isPerLanguage, type TextLang } from '../values/localized-text.value';
import { isSubject, parseSubject } from '../values/subject.value';

// Slugs lose capitals; these words get them back. Small on purpose: anything else is title-cased.
const KNOWN_WORDS: Readonly<Record<string, string>> = {
  openai: 'OpenAI',
  xai: 'xAI',
  ai: 'AI',
  agi: 'AGI',
  api: 'API',
  gpt: 'GPT',
  chatgpt: 'ChatGPT',
  deepmind: 'DeepMind',
  github: 'GitHub',
  linkedin: 'LinkedIn',
  youtube: 'YouTube',
  nvidia: 'Nvidia',
  ibm: 'IBM',
  aws: 'AWS',
  us: 'US',
  usa: 'USA',
  uk: 'UK',
  eu: 'EU',
  un: 'UN',
  ftc: 'FTC',
  sec: 'SEC',
  doj: 'DOJ',
  fbi: 'FBI',
  cma: 'CMA',
  ceo: 'CEO',
  cto: 'CTO',
  cfo: 'CFO',
  coo: 'COO',
  llc: 'LLC',
  inc: 'Inc.',
  pbc: 'PBC',
  v: 'v.',
  vs: 'vs.',
};
const SMALL_WORDS = new Set(['of', 'the', 'and', 'for', 'in', 'on', 'at', 'to', 'de', 'du', 'des', 'la', 'le', 'et']);

// An authority's slug of one short word is taken for an acronym ("authority:arcep" -> "ARCEP", "the ARCEP").
const ACRONYM_SLUG = /^[a-z]{2,5}$/;

/**
 * "person:mira-murati" -> "Mira Murati", "org:openai" -> "OpenAI", "case:musk-v-openai" -> "Musk v. OpenAI". An
 * authority is spelt as the glossary spells it ("authority:cnil" -> "CNIL"), else an acronym-like slug upper case
 * ("authority:arcep" -> "ARCEP"), else title-cased like any other name.
 */
export function displayNameOf(subject: string): string {
  const parsed = parseSubject(subject);
  if (!parsed) return subject;
  const name = titleCased(parsed.slug);
  if (parsed.kind !== 'authority') return name;
  return glossarySpellingOf(name, 'en') ?? (ACRONYM_SLUG.test(parsed.slug) ? parsed.slug.toUpperCase() : name);
}

function titleCased(slug: string): string {
  return slug
    .split('-')
    .filter((word) => word !== '')
    .map((word, i) => {
      if (KNOWN_WORDS[word]) return KNOWN_WORDS[word];
      if (i > 0 && SMALL_WORDS.has(word)) return word;
      return word.charAt(0).toUpperCase() + word.slice(1);
    })
    .join(' ');
}

/**
 * A subject's display name in a language. Proper names (people, organizations, products, cases) read the same in
 * both; an authority's name is translated when the glossary knows it ("California Attorney General" ->
 * "procureur général de Californie").
 */
export function displayNameIn(subject: string, lang: TextLang): string {
  const name = displayNameOf(subject);
  if (lang === 'en' || parseSubject(subject)?.kind !== 'authority') return name;
  return glossaryTranslation(name, 'en', lang) ?? name;
}

/** A subject's display names from its slug (and the glossary), in every language: what stands until a fact names it. */
export function displayNamesOf(subject: string): DisplayNames {
  return { en: displayNameIn(subject, 'en'), fr: displayNameIn(subject, 'fr') };
}

/** An authority after a French verb, with its article when the glossary knows it: "au procureur général de Californie". */
export function frenchRecipientOf(subject: string): string {
  const name = displayNameOf(subject);
  return (
    (parseSubject(subject)?.kind === 'authority' ? glossaryEntryOf(name, 'en')?.frTo : undefined) ?? `à ${displayNameIn(subject, 'fr')}`
  );
}

/**
 * An authority after an English verb, with its article when the glossary gives one ("the FTC", "the California
 * attorney general"); one it does not know takes "the" when its slug reads as an acronym ("the ARCEP") and none
 * otherwise ("Texas Railroad Commission"). Any other value: its label.
 */
export function englishRecipientOf(value: unknown): string {
  const parsed = typeof value === 'string' && isSubject(value) ? parseSubject(value) : undefined;
  if (parsed?.kind !== 'authority') return labelOf(value, 'en');
  const name = displayNameOf(value as string);
  return glossaryEntryOf(name, 'en')?.enTo ?? (ACRONYM_SLUG.test(parsed.slug) ? `the ${name}` : name);
}

/**
 * A subject's display name, or a name or text as given (destinations and investors may be either), in `lang`:
 * text given per language in that language, else the glossary's, else the other language's marked "[en]"/"[fr]".
 */
export function labelOf(value: unknown, lang: TextLang = 'en'): string {
  if (typeof value === 'string') return isSubject(value) ? displayNameIn(value, lang) : value && markedTextIn(value, lang);
  return isPerLanguage(value) ? markedTextIn(value, lang) : '';
}

/**
 * A name that may be a subject (a funding round's lead investor): a subject's display name in `lang`, a plain name as
 * given, in either language (a name is not translated, nor marked as the other language's); a name given per language
 * (a subject's a fact gives) in `lang`, else the other's.
 */
export function nameOf(value: unknown, lang: TextLang): string {
  if (isPerLanguage(value)) return (value[lang] ?? value[lang === 'en' ? 'fr' : 'en'] ?? '').trim();
  if (typeof value !== 'string') return '';
  return isSubject(value) ? displayNameIn(value, lang) : value;
}
