import { decideRecord, Submission, validateSubmission } from '@newsroom/domain';
import { contentHash, StoredEvent } from '@newsroom/event-store';
import { uuidv5, uuidv7 } from '@newsroom/platform';
import { WriteIntent } from './event-writer.service';
import { RequestMeta } from './write.types';

/**
 * The content an idempotency key is bound to: everything the client said except the key and the version check, in
 * one form for one meaning (no modality is `reported`; no inferred field is `inferred: []`, as the event stored).
 */
function submissionFingerprint(s: Submission): string {
  const { id: _id, expectedVersion: _v, inferred, ...content } = s;
  return contentHash({ ...content, modality: content.modality ?? 'reported', ...(inferred?.length ? { inferred } : {}) });
}

/**
 * Whether an event stored under the submission's id, whose hash differs, is still this content:
 * - recorded before `inferred: []` was folded into "no inferred", its fingerprint has the empty list: a retry of one
 *   (with the list or without) is the same content, not an id conflict;
 * - recorded before text was stored trimmed with one line's spaces joined (`"  CTO  "`), its fingerprint is of the
 *   text as sent, and this submission's of the text as stored now: the stored event, read as a submission today
 *   stores it, is the same content when it fingerprints as this one. A retry of the same import after an upgrade
 *   answers `duplicate`, as it did before.
 */
function sameStoredContent(s: Submission, fingerprint: string): (stored: StoredEvent) => boolean {
  return (stored) => {
    const { id: _id, expectedVersion: _v, ...content } = s;
    if (!s.inferred?.length && stored.contentHash === contentHash({ ...content, modality: content.modality ?? 'reported', inferred: [] })) {
      return true;
    }
    if (stored.type !== s.type) return false;
    const inferred = stored.metadata.inferred;
    const again = validateSubmission({
      type: stored.type,
      subject: stored.streamId,
      occurredAt: stored.occurredAt,
      data: stored.data,
      sources: stored.sources,
      modality: stored.modality,
      ...(Array.isArray(inferred) && inferred.length ? { inferred } : {}),
    });
    return again.ok && submissionFingerprint(again.value) === fingerprint;
  };
}

// Postgres hands uuids back in lower case; keys are compared as text, so they are normalised once here.
export const normaliseId = (id: string | undefined) => id?.toLowerCase();

/**
 * One submission to record (HTTP single, batch and story; Kafka). `meta`: who asked, when it differs per item
 * (Kafka submissions); otherwise the request's meta applies.
 */
export function recordIntent(s: Submission, meta?: RequestMeta): WriteIntent {
  const id = normaliseId(s.id);
  const fingerprint = submissionFingerprint(s);
  return {
    eventId: id ?? uuidv7(),
    idFromClient: id !== undefined,
    contentHash: fingerprint,
    sameContentAs: sameStoredContent(s, fingerprint),
    subject: s.subject,
    decide: (state, now) => decideRecord(state, s, now),
    ...(meta ? { meta } : {}),
  };
}

/** The namespace of the ids an Idempotency-Key gives the events of a batch or a story that carry none of their own. */
const KEYED_EVENT_NAMESPACE = '77711ec3-45f2-44b1-8ff9-82edae91c141';

/**
 * One event of a batch or story sent with an `Idempotency-Key`: when it has no `id`, its id is named by the key and its
 * place in the request (a UUIDv5 of `<key>/<index>`), so the same request sent again names the same events and each
 * answers as a duplicate; a conflict then names the header, the key as the client sent it and the place (never the
 * derived id, which the client never saw). An event with its own `id` keeps it.
 */
export function keyedRecordIntent(s: Submission, key: string | undefined, index: number): WriteIntent {
  if (key === undefined || s.id !== undefined) return recordIntent(s);
  const intent = recordIntent({ ...s, id: uuidv5(`${key}/${index}`, KEYED_EVENT_NAMESPACE) });
  intent.idField = 'Idempotency-Key';
  intent.idName = `Idempotency-Key ${key} at events[${index}]`;
  return intent;
}
