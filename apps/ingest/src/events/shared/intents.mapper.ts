import { decideRecord, Submission } from '@newsroom/domain';
import { contentHash } from '@newsroom/event-store';
import { uuidv7 } from '@newsroom/platform';
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
    decide: (state) => decideRecord(state, s),
    ...(meta ? { meta } : {}),
  };
}
