import { textOf } from '../output/text.util';
/** A feed item as one terminal line: position, date, type, subject, headline, status, and the event id to act on. */
export function feedLine(item: Record<string, unknown>): string {
  const status = item.status && item.status !== 'current' ? `  [${textOf(item.status)}]` : '';
  const target = item.targetEventId ? `  -> ${textOf(item.targetEventId)}` : '';
  const date = textOf(item.occurredAt);
  return `${textOf(item.position).padStart(6)}  ${date.padEnd(10)}  ${textOf(item.type).padEnd(34)}  ${textOf(item.subject).padEnd(28)}  ${textOf(item.headline)}${status}  (${textOf(item.eventId)})${target}`;
}
