/** A feed item as one terminal line: position, date, type, subject, headline, status, and the event id to act on. */
export function feedLine(item: Record<string, unknown>): string {
  const status = item.status && item.status !== 'current' ? `  [${String(item.status)}]` : '';
  const target = item.targetEventId ? `  -> ${String(item.targetEventId)}` : '';
  const date = String(item.occurredAt ?? '');
  return `${String(item.position).padStart(6)}  ${date.padEnd(10)}  ${String(item.type).padEnd(34)}  ${String(item.subject).padEnd(28)}  ${String(item.headline ?? '')}${status}  (${String(item.eventId)})${target}`;
}
