import { decideRecord, Submission } from '@newsroom/domain';
import { contentHash } from '@newsroom/event-store';
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
 * Events recorded before `inferred: []` was folded into "no inferred" carry a fingerprint with the empty list: a retry
 * of one (with the list or without) is the same content, not an id conflict.
 */
function sameAsWithEmptyInferred(s: Submission): ((storedHash: string) => boolean) | undefined {
  if (s.inferred?.length) return undefined;
  return (storedHash) => {
    const { id: _id, expectedVersion: _v, ...content } = s;
    return storedHash === contentHash({ ...content, modality: content.modality ?? 'reported', inferred: [] });
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
  return {
    eventId: id ?? uuidv7(),
    idFromClient: id !== undefined,
    contentHash: submissionFingerprint(s),
    sameContentAs: sameAsWithEmptyInferred(s),
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
