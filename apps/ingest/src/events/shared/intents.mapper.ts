import { decideRecord, MAX_STORY_EVENTS, Story, storyAsSource, Submission, validateSubmission } from '@newsroom/domain';
import { contentHash, StoredEvent } from '@newsroom/event-store';
import { isUuid, uuidv5, uuidv7 } from '@newsroom/platform';
import { WriteIntent } from './event-writer.service';
import { RefusedSubmission, RequestMeta } from './write.types';

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

/** The id an Idempotency-Key gives the event at `index` of a batch or story that carries none of its own. */
const keyedEventId = (key: string, index: number) => uuidv5(`${key}/${index}`, KEYED_EVENT_NAMESPACE);

/**
 * One event of a batch or story sent with an `Idempotency-Key`: when it has no `id`, its id is named by the key and its
 * place in the request (a UUIDv5 of `<key>/<index>`), so the same request sent again names the same events and each
 * answers as a duplicate; a conflict then names the header, the key as the client sent it and the place (never the
 * derived id, which the client never saw). An event with its own `id` keeps it.
 */
export function keyedRecordIntent(s: Submission, key: string | undefined, index: number): WriteIntent {
  if (key === undefined || s.id !== undefined) return recordIntent(s);
  const intent = recordIntent({ ...s, id: keyedEventId(key, index) });
  intent.idField = 'Idempotency-Key';
  intent.idName = `Idempotency-Key ${key} at events[${index}]`;
  return intent;
}

/**
 * The fingerprints of an envelope as sent, the way `submissionFingerprint` takes them of a valid one: without the id
 * and the version check, no modality as `reported`, and for no inferred field (or `inferred: []`) both forms, with the
 * empty list and without, as `sameStoredContent` accepts. Taken of the envelope as sent, not of a stored form: what
 * earlier releases hashed of what they took (text as sent, before it was stored trimmed). None for an envelope that
 * cannot be hashed (nested past any stack: refused for its depth anyway).
 */
function sentFingerprints(envelope: Record<string, unknown>): string[] {
  const { id: _id, expectedVersion: _v, inferred, ...content } = envelope;
  const base = { ...content, modality: content.modality ?? 'reported' };
  try {
    if (inferred !== undefined && !(Array.isArray(inferred) && inferred.length === 0)) return [contentHash({ ...base, inferred })];
    return [contentHash(base), contentHash({ ...base, inferred: [] })];
  } catch {
    return [];
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A refused envelope (HTTP single or an item of a batch, a Kafka message) that names its event: its own `id` when that
 * is a UUID, else, when it has none, the id the request gives it (`unnamed`: an HTTP Idempotency-Key, a batch item's
 * key-derived id, a Kafka message's log-position id). Null when it names none: nothing stored can be its event.
 */
export function refusedSubmission(envelope: unknown, unnamed: string | undefined): RefusedSubmission | null {
  if (!isPlainObject(envelope)) return null;
  const id = envelope.id === undefined ? unnamed : isUuid(envelope.id) ? envelope.id : undefined;
  const fingerprints = id === undefined ? [] : sentFingerprints(envelope);
  return fingerprints.length ? { eventId: normaliseId(id)!, fingerprints } : null;
}

/** The id an Idempotency-Key names an unnamed item of a batch or story by (see keyedRecordIntent), else none. */
export const keyedIdOf = (key: string | undefined, index: number) => (key === undefined ? undefined : keyedEventId(key, index));

/**
 * A refused story request as the submissions an earlier release made of it (storyToSubmissions: the story, with the
 * event's quote, first in each event's sources), each under the id it names its event by; null unless every event
 * names one (a story is recorded whole or not at all, so it is a retry only if every event is).
 */
export function refusedStorySubmissions(body: unknown, key: string | undefined): RefusedSubmission[] | null {
  if (!isPlainObject(body) || !isPlainObject(body.story) || !Array.isArray(body.events) || !body.events.length) return null;
  if (body.events.length > MAX_STORY_EVENTS) return null;
  const main = storyAsSource(body.story as unknown as Story);
  const out: RefusedSubmission[] = [];
  for (const [index, event] of (body.events as unknown[]).entries()) {
    if (!isPlainObject(event)) return null;
    const { quote, sources, ...rest } = event;
    const storySource = quote === undefined ? main : { ...main, quote };
    const own = sources === undefined ? [] : Array.isArray(sources) ? (sources as unknown[]) : null;
    if (own === null) return null;
    const refused = refusedSubmission({ ...rest, sources: [storySource, ...own] }, keyedIdOf(key, index));
    if (!refused) return null;
    out.push(refused);
  }
  return out;
}
