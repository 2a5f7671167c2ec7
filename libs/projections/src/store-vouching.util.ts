import { EventLogReader, type LogConnection, type StoredEvent } from '@newsroom/event-store';
import { wireMismatch } from '@newsroom/messaging';

/** Why the event store does not vouch for a message of the events topic. */
export type ForgedReason = 'beyond-head' | 'not-in-store' | 'id-mismatch' | 'content-mismatch';

type Checked = { position: bigint; message: { value: Buffer | string } };

/**
 * Kafka is only the transport, and anyone who can write to the topic could put a message on it: each message is
 * checked against the store's record at its position (ONE indexed read per batch, by primary key, through the
 * store's `EventLogReader`), compared byte for byte with the relay's encoding (`wireMismatch`). A position
 * the store does not hold (beyond its head, or a hole: the relay publishes only committed events, so never
 * legitimate) or an id or content other than the record's is returned with its reason; the rest are vouched for.
 * The records read come back too, by position: a vouched message is its record, so a reader can take the record's
 * parsed event instead of parsing the message.
 */
export async function unvouched<T extends Checked>(
  db: LogConnection,
  items: T[],
): Promise<{ refused: Array<{ item: T; reason: ForgedReason }>; records: Map<string, StoredEvent> }> {
  if (!items.length) return { refused: [], records: new Map() };
  const log = new EventLogReader(db);
  const positions = [...new Set(items.map((i) => i.position.toString()))];
  const stored = new Map<string, StoredEvent>();
  for (const e of await log.readByPositions(positions)) stored.set(e.globalPosition, e);
  const refused: Array<{ item: T; reason: ForgedReason }> = [];
  for (const item of items) {
    const record = stored.get(item.position.toString());
    const reason: ForgedReason | null = record ? wireMismatch(item.message.value, record) : 'not-in-store';
    if (reason) refused.push({ item, reason });
  }
  if (refused.some((r) => r.reason === 'not-in-store')) {
    const head = await log.head();
    for (const r of refused) if (r.reason === 'not-in-store' && r.item.position > BigInt(head)) r.reason = 'beyond-head';
  }
  return { refused, records: stored };
}
