import { inferredText, markedDate } from '../output/fact-truth.util';
import { textOf } from '../output/text.util';

/**
 * A feed item as one terminal line: position, date (`*` when the sources do not state it), type, subject, headline,
 * status, its outlets when more than one or any denies, the other fields its sources do not state, and the event id
 * to act on.
 */
export function feedLine(item: Record<string, unknown>): string {
  const c = item.corroboration as { outlets?: number; confirms?: number; denies?: number } | undefined;
  const stances = c?.denies ? `: ${c.confirms ?? 0} confirm, ${c.denies} deny` : '';
  const outlets = c && ((c.outlets ?? 0) > 1 || (c.denies ?? 0) > 0) ? `  [${c.outlets} outlets${stances}]` : '';
  const others = inferredText({
    inferred: (Array.isArray(item.inferred) ? item.inferred : []).filter((i: { path: string }) => i.path !== 'occurredAt'),
  });
  const inferred = others ? `  [inferred: ${others}]` : '';
  const status = (item.status && item.status !== 'current' ? `  [${textOf(item.status)}]` : '') + outlets + inferred;
  const target = item.targetEventId ? `  -> ${textOf(item.targetEventId)}` : '';
  const date = textOf(markedDate(item));
  return `${textOf(item.position).padStart(6)}  ${date.padEnd(10)}  ${textOf(item.type).padEnd(34)}  ${textOf(item.subject).padEnd(28)}  ${textOf(item.headline)}${status}  (${textOf(item.eventId)})${target}`;
}
