import { textIn } from '../values/localized-text.rules';
import { isPerLanguage, TEXT_LANGS, type TextLang } from '../values/localized-text.value';
import { isSubject, parseSubject } from '../values/subject.value';

/** A subject's display name in each language the service answers in. */
export type DisplayNames = Record<TextLang, string>;

/**
 * The facts that name their subject, and the field they name it by: a product is called what its announcement says
 * (`name`), a case what its filing says (`title`). Other kinds are named by their slug (people, organizations) or
 * by the glossary (authorities).
 */
export const NAMING_FACTS = {
  product: { type: 'product.announced', field: 'name' },
  case: { type: 'lawsuit.filed', field: 'title' },
} as const;

type NamedKind = keyof typeof NAMING_FACTS;
export type NamingFact = (typeof NAMING_FACTS)[NamedKind];

/** The fact type and field that name subjects of this subject's kind, or null when facts do not name its kind. */
export function namingFactOf(subject: string): NamingFact | null {
  const kind = parseSubject(subject)?.kind;
  return kind && kind in NAMING_FACTS ? NAMING_FACTS[kind as NamedKind] : null;
}

/** Whether an event of this type on this subject is the fact that names it (a product's announcement, a case's filing). */
export function namesItsSubject(type: string, subject: string): boolean {
  return namingFactOf(subject)?.type === type;
}

/**
 * The display names a naming fact's value gives (a product's `name`, a case's `title`, plain or per language): in each
 * language the text given in it, else the glossary's, else the other language's. A name is a name: the other
 * language's text is not marked as a fallback. Null when the value gives no text (the slug's name stands).
 */
export function displayNamesGivenBy(value: unknown): DisplayNames | null {
  if (typeof value !== 'string' && !isPerLanguage(value)) return null;
  const names = Object.fromEntries(TEXT_LANGS.map((lang) => [lang, textIn(value, lang).text.trim()])) as DisplayNames;
  return TEXT_LANGS.every((lang) => names[lang] !== '') ? names : null;
}

/**
 * The subjects facts name (products, cases) that an event's data names beside its stream subject: a merge's other
 * side (`into`, `from`), whoever asks for an intervention (`by`), a departure's destination, investors. Every field of
 * the data is read, each value or list item that is such a subject once, in order.
 */
export function namedSubjectsIn(data: unknown): string[] {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return [];
  const out = new Set<string>();
  for (const value of Object.values(data)) {
    for (const v of Array.isArray(value) ? value : [value]) if (isSubject(v) && namingFactOf(v)) out.add(v);
  }
  return [...out];
}
