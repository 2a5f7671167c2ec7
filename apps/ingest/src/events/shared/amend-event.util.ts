import { StoredEvent } from '@newsroom/event-store';
import { IngestEventStore } from './event-store.port';
import { EventWriter, WriteIntent } from './event-writer.service';
import { eventNotFound } from './event-not-found.errors';
import { RequestMeta, WriteRejection } from './write.types';

export type AmendResult = { status: 'created' | 'duplicate'; event: StoredEvent } | { status: 'rejected'; error: WriteRejection };

/**
 * Corrections and retractions go into the target's stream: the target is looked up first to learn which one.
 * The writer then re-reads and folds that stream, so the rules (target still stands) see the latest state.
 */
export async function amendEvent(
  store: IngestEventStore,
  writer: EventWriter,
  targetEventId: string,
  intentFor: (subject: string) => WriteIntent,
  meta: RequestMeta,
): Promise<AmendResult> {
  const target = await store.findEvent(targetEventId);
  if (!target) throw eventNotFound(targetEventId);
  const [outcome] = await writer.write([intentFor(target.streamId)], meta, true);
  if (outcome.status === 'rejected') return { status: 'rejected', error: outcome.error };
  const event = await store.findEvent(outcome.eventId);
  if (!event) throw new Error(`event ${outcome.eventId} was recorded but cannot be read back`);
  return { status: outcome.status, event };
}
