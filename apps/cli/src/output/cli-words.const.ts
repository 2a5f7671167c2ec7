import { terminalText } from './terminal-text.util';
import { textOf } from './text.util';

export type CliLang = 'en' | 'fr';

const NBSP = '\u00a0';

/**
 * The CLI's own words in a tail line or a report table, in the language of `--lang` (headlines come in it already).
 * Each word agrees with its count, as the Atom feed says them: "3 outlets: 2 confirm, 1 denies" (1 alone takes the
 * singular: "1 outlet", "1 confirms"); in French « 3 médias : 2 confirment, 1 dément » (0 and 1 take the singular;
 * a no-break space before the colon), « corrigé », « retiré ».
 */
const CLI_WORDS = {
  en: {
    outlets: (n: number) => (n === 1 ? 'outlet' : 'outlets'),
    confirm: (n: number) => (n === 1 ? 'confirms' : 'confirm'),
    deny: (n: number) => (n === 1 ? 'denies' : 'deny'),
    colon: ': ',
    status: { corrected: 'corrected', retracted: 'retracted' } as Record<string, string>,
    inferred: 'inferred',
    // A conflict's side an editor chose.
    stands: 'stands',
  },
  fr: {
    outlets: (n: number) => (n <= 1 ? 'média' : 'médias'),
    confirm: (n: number) => (n <= 1 ? 'confirme' : 'confirment'),
    deny: (n: number) => (n <= 1 ? 'dément' : 'démentent'),
    colon: `${NBSP}: `,
    status: { corrected: 'corrigé', retracted: 'retiré' } as Record<string, string>,
    inferred: 'non indiqué par les sources',
    stands: 'retenu',
  },
} as const;

/** The words of `lang`, English for anything else (an answer without `lang`, such as the sources report). */
export const cliWords = (lang: unknown) => CLI_WORDS[lang === 'fr' ? 'fr' : 'en'];

/** A count and its word ("1 confirms"): the count as the item gives it (escaped), the word agreeing with it. */
export const counted = (value: unknown, word: (n: number) => string): string =>
  `${terminalText(textOf(value ?? 0))} ${word(Number(value ?? 0))}`;

/** How many of a fact's outlets confirm and deny, after `colon`: ": 2 confirm, 1 denies" (": 2 confirment, 1 dément"). */
export function stancesText(c: { confirms?: unknown; denies?: unknown }, lang: CliLang): string {
  const w = CLI_WORDS[lang];
  return `${w.colon}${counted(c.confirms, w.confirm)}, ${counted(c.denies, w.deny)}`;
}
