import { inferredText, markedDate } from '../output/fact-truth.util';
import { terminalText } from '../output/terminal-text.util';
import { textOf } from '../output/text.util';

/** A value of the item as display text, its control characters shown as escapes (stored data is anyone's). */
const shown = (value: unknown): string => terminalText(textOf(value));

const NBSP = '\u00a0';

/**
 * The line's own words, in the language of `--lang` (the headlines come in it already): the outlets, the status and
 * the fields the sources do not state. Each word agrees with its count, as the Atom feed says them:
 * "3 outlets: 2 confirm, 1 denies" (1 alone takes the singular: "1 outlet", "1 confirms"); in French « 3 médias : 2
 * confirment, 1 dément » (0 and 1 take the singular; a no-break space before the colon), « corrigé », « retiré ».
 */
const WORDS = {
  en: {
    outlets: (n: number) => (n === 1 ? 'outlet' : 'outlets'),
    confirm: (n: number) => (n === 1 ? 'confirms' : 'confirm'),
    deny: (n: number) => (n === 1 ? 'denies' : 'deny'),
    colon: ': ',
    status: { corrected: 'corrected', retracted: 'retracted' } as Record<string, string>,
    inferred: 'inferred',
  },
  fr: {
    outlets: (n: number) => (n <= 1 ? 'média' : 'médias'),
    confirm: (n: number) => (n <= 1 ? 'confirme' : 'confirment'),
    deny: (n: number) => (n <= 1 ? 'dément' : 'démentent'),
    colon: `${NBSP}: `,
    status: { corrected: 'corrigé', retracted: 'retiré' } as Record<string, string>,
    inferred: 'non indiqué par les sources',
  },
};

/** A count and its word ("1 confirms"): the count as the item gives it (escaped), the word agreeing with it. */
const counted = (value: unknown, word: (n: number) => string): string => `${shown(value ?? 0)} ${word(Number(value ?? 0))}`;

/**
 * A feed item as one terminal line: position, date (`*` when the sources do not state it), type, subject, headline,
 * status, its outlets when more than one or any denies, the other fields its sources do not state, and the event id
 * to act on, the annotations in `lang`. Every value from the item goes through `shown` before it is padded, so the
 * columns line up on what the terminal shows.
 */
export function feedLine(item: Record<string, unknown>, lang: 'en' | 'fr' = 'en'): string {
  const w = WORDS[lang];
  const c = item.corroboration as { outlets?: number; confirms?: number; denies?: number } | undefined;
  const stances = c?.denies ? `${w.colon}${counted(c.confirms, w.confirm)}, ${counted(c.denies, w.deny)}` : '';
  const outlets = c && ((c.outlets ?? 0) > 1 || (c.denies ?? 0) > 0) ? `  [${counted(c.outlets, w.outlets)}${stances}]` : '';
  const others = inferredText({
    inferred: (Array.isArray(item.inferred) ? item.inferred : []).filter((i: { path: string }) => i.path !== 'occurredAt'),
  });
  const inferred = others ? `  [${w.inferred}${w.colon}${shown(others)}]` : '';
  const statusWord = typeof item.status === 'string' && Object.hasOwn(w.status, item.status) ? w.status[item.status] : shown(item.status);
  const status = (item.status && item.status !== 'current' ? `  [${statusWord}]` : '') + outlets + inferred;
  const target = item.targetEventId ? `  -> ${shown(item.targetEventId)}` : '';
  const date = shown(markedDate(item));
  return `${shown(item.position).padStart(6)}  ${date.padEnd(10)}  ${shown(item.type).padEnd(34)}  ${shown(item.subject).padEnd(28)}  ${shown(item.headline)}${status}  (${shown(item.eventId)})${target}`;
}
