import { DOMAIN_ERROR_CODES } from '@newsroom/domain';
import { contentHash, StoredEvent } from '@newsroom/event-store';
import { IngestEventStore } from './event-store.port';
import { EventWriter, WriteIntent } from './event-writer.service';
import { eventNotFound } from './event-not-found.errors';
import { RequestMeta, WriteRejection } from './write.types';

export type AmendResult = { status: 'created' | 'duplicate'; event: StoredEvent } | { status: 'rejected'; error: WriteRejection };

/** The amendments of a recorded event, each made by its own endpoint (corrections, retractions, sources). */
export type AmendmentKind = 'correction' | 'retraction' | 'sourcing';

/**
 * The content an amendment's Idempotency-Key is bound to: its kind, its target and the request. Taken of the validated
 * request when it is recorded, and of the body as sent when today's validation refuses it (see ReplayAmendmentCommand):
 * the form an earlier release hashed when it took that body.
 */
export function amendmentFingerprint(kind: AmendmentKind, targetEventId: string, request: unknown): string {
  return contentHash({ kind, targetEventId, req: request });
}

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
  if (outcome.status === 'rejected') return { status: 'rejected', error: namingTheTarget(outcome.error) };
  const event = await store.findEvent(outcome.eventId);
  if (!event) throw new Error(`event ${outcome.eventId} was recorded but cannot be read back`);
  return { status: outcome.status, event };
}

/** The rules about the target event: its id in the path is what they are about. */
const TARGET_RULES: ReadonlySet<string> = new Set([DOMAIN_ERROR_CODES.EVENT_RETRACTED, DOMAIN_ERROR_CODES.EVENT_NOT_CORRECTABLE]);

/**
 * A refusal because of the target (retracted, or not a story fact) names the path's `id`, as the 404 for an unknown
 * one does: every 4xx says which field it is about.
 */
function namingTheTarget(error: WriteRejection): WriteRejection {
  if (error.errors?.length || !TARGET_RULES.has(error.code)) return error;
  return { ...error, errors: [{ path: 'id', message: error.message }] };
}
