import { cliWords, CliLang, counted, stancesText } from '../output/cli-words.const';
import { inferredText, markedDate } from '../output/fact-truth.util';
import { terminalText } from '../output/terminal-text.util';
import { textOf } from '../output/text.util';

/** A value of the item as display text, its control characters shown as escapes (stored data is anyone's). */
const shown = (value: unknown): string => terminalText(textOf(value));

/**
 * A feed item as one terminal line: position, date (`*` when the sources do not state it), type, subject, headline,
 * status, its outlets when more than one or any denies, the other fields its sources do not state, and the event id
 * to act on, the annotations in `lang` (cli-words.const). Every value from the item goes through `shown` before it is padded, so the
 * columns line up on what the terminal shows.
 */
export function feedLine(item: Record<string, unknown>, lang: CliLang = 'en'): string {
  const w = cliWords(lang);
  const c = item.corroboration as { outlets?: number; confirms?: number; denies?: number } | undefined;
  const stances = c?.denies ? stancesText(c, lang) : '';
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
