import { inferredText, markedDate } from '../output/fact-truth.util';
import { terminalText } from '../output/terminal-text.util';
import { textOf } from '../output/text.util';

/** A value of the item as display text, its control characters shown as escapes (stored data is anyone's). */
const shown = (value: unknown): string => terminalText(textOf(value));

const NBSP = '\u00a0';

/**
 * The line's own words, in the language of `--lang` (the headlines come in it already): the outlets, the status and
 * the fields the sources do not state. French as the Atom feed and the dashboard say it: « 3 médias : 2 confirment,
 * 1 dément » (0 and 1 take the singular; a no-break space before the colon), « corrigé », « retiré ».
 */
const WORDS = {
  en: {
    outlets: (n: string) => `${n} outlets`,
    confirm: (n: string) => `${n} confirm`,
    deny: (n: string) => `${n} deny`,
    colon: ': ',
    status: { corrected: 'corrected', retracted: 'retracted' } as Record<string, string>,
    inferred: 'inferred',
  },
  fr: {
    outlets: (n: string) => `${n} ${Number(n) <= 1 ? 'média' : 'médias'}`,
    confirm: (n: string) => `${n} ${Number(n) <= 1 ? 'confirme' : 'confirment'}`,
    deny: (n: string) => `${n} ${Number(n) <= 1 ? 'dément' : 'démentent'}`,
    colon: `${NBSP}: `,
    status: { corrected: 'corrigé', retracted: 'retiré' } as Record<string, string>,
    inferred: 'non indiqué par les sources',
  },
};

/**
 * A feed item as one terminal line: position, date (`*` when the sources do not state it), type, subject, headline,
 * status, its outlets when more than one or any denies, the other fields its sources do not state, and the event id
 * to act on, the annotations in `lang`. Every value from the item goes through `shown` before it is padded, so the
 * columns line up on what the terminal shows.
 */
export function feedLine(item: Record<string, unknown>, lang: 'en' | 'fr' = 'en'): string {
  const w = WORDS[lang];
  const c = item.corroboration as { outlets?: number; confirms?: number; denies?: number } | undefined;
  const stances = c?.denies ? `${w.colon}${w.confirm(shown(c.confirms ?? 0))}, ${w.deny(shown(c.denies))}` : '';
  const outlets = c && ((c.outlets ?? 0) > 1 || (c.denies ?? 0) > 0) ? `  [${w.outlets(shown(c.outlets))}${stances}]` : '';
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
