import type { DataSource } from 'typeorm';
import { canonicalJson, EVENT_COLUMNS, EventRow, StoredEvent, toStoredEvent, toWireEvent } from '@newsroom/event-store';

/** Why the event store does not vouch for a message of the events topic. */
export type ForgedReason = 'beyond-head' | 'not-in-store' | 'id-mismatch' | 'content-mismatch';

type Checked = { position: bigint; message: { value: Buffer | string } };

/**
 * Kafka is only the transport, and anyone who can write to the topic could put a message on it: each message is
 * checked against the store's record at its position (ONE indexed query per batch, by primary key). A position
 * the store does not hold (beyond its head, or a hole: the relay publishes only committed events, so never
 * legitimate) or an id or content other than the record's is returned with its reason; the rest are vouched for.
 */
export async function unvouched<T extends Checked>(db: Pick<DataSource, 'query'>, items: T[]): Promise<Array<{ item: T; reason: ForgedReason }>> {
  if (!items.length) return [];
  const positions = [...new Set(items.map((i) => i.position.toString()))];
  const rows: EventRow[] = await db.query(
    `SELECT ${EVENT_COLUMNS} FROM event_store.events WHERE global_position = ANY($1::bigint[])`,
    [positions],
  );
  const stored = new Map<string, StoredEvent>();
  for (const row of rows) {
    const e = toStoredEvent(row);
    stored.set(e.globalPosition, e);
  }
  const refused: Array<{ item: T; reason: ForgedReason }> = [];
  for (const item of items) {
    const record = stored.get(item.position.toString());
    const reason = record ? mismatch(item.message.value, record) : 'not-in-store';
    if (reason) refused.push({ item, reason });
  }
  if (refused.some((r) => r.reason === 'not-in-store')) {
    const [{ head }] = await db.query('SELECT coalesce(max(global_position), 0)::text AS head FROM event_store.events');
    for (const r of refused) if (r.reason === 'not-in-store' && r.item.position > BigInt(head)) r.reason = 'beyond-head';
  }
  return refused;
}

/**
 * Null when the message is what the relay publishes for the record, else why not. A string comparison with what
 * the relay publishes; only when the bytes differ is the content compared as canonical JSON.
 */
export function mismatch(value: Buffer | string, record: StoredEvent): ForgedReason | null {
  const raw = typeof value === 'string' ? value : value.toString('utf8');
  const wire = JSON.stringify(toWireEvent(record));
  if (raw === wire) return null;
  let sent: unknown;
  try {
    sent = JSON.parse(raw);
  } catch {
    return 'content-mismatch';
  }
  if (!sent || typeof sent !== 'object' || !('id' in sent) || sent.id !== record.eventId) return 'id-mismatch';
  return canonicalJson(sent) === canonicalJson(JSON.parse(wire)) ? null : 'content-mismatch';
}
