import { Submission, validateSubmission } from '@newsroom/domain';
import { IncomingMessage } from '@newsroom/messaging';
import { duplicateKeyPath, inexactNumbers, problems, uuidv5 } from '@newsroom/platform';
import { refusedSubmission } from '../../events/shared/intents.mapper';
import { refusingInexactNumbers } from '../../events/shared/inexact-numbers.util';
import { RefusedSubmission, RequestMeta, WriteRejection } from '../../events/shared/write.types';

// Fixed namespace of the ids made for submissions sent without one (RFC 9562 name-based ids).
const SUBMISSION_ID_NAMESPACE = '5b0c1e2a-7d4f-4c1b-9a55-6e6577737364';
const TRACE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
// Fatal: bytes that are not UTF-8 are refused, never replaced by U+FFFD (which would store other text than was sent).
// A leading BOM (EF BB BF) is dropped, as HTTP drops it from a body: `ignoreBOM: true` kept it for JSON.parse to refuse.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * `replayOf`: a message the schema refuses that names an event (its `id`, else its log-position id): a retry of what an
 * earlier release recorded is answered as a duplicate, not dead-lettered (see EventWriter.storedReplays).
 */
export type ParsedSubmission =
  { ok: true; submission: Submission; meta: RequestMeta } | { ok: false; rejection: WriteRejection; replayOf?: RefusedSubmission };

/**
 * A submission without an id gets one derived from where it sits in the log (topic, partition, offset): a
 * redelivery of the same message then has the same id and is answered as a duplicate, never recorded twice.
 */
export function submissionIdFor(message: Pick<IncomingMessage, 'topic' | 'partition' | 'offset'>): string {
  return uuidv5(`${message.topic}/${message.partition}/${message.offset}`, SUBMISSION_ID_NAMESPACE);
}

const malformed = (detail: string, path = ''): ParsedSubmission => ({
  ok: false,
  rejection: { status: 400, code: 'REQUEST.MALFORMED_JSON', message: detail, errors: [{ path, message: detail }] },
});

/** One Kafka message -> one validated envelope (same JSON as HTTP) with the message's trace headers as metadata. */
export function parseSubmissionMessage(message: IncomingMessage): ParsedSubmission {
  // A record of a compressed batch that could not be read (over the size bound, corrupt): only its place is known.
  if (message.unreadable !== undefined) {
    const detail = `${message.unreadable}; nothing of this record could be read (it stays at ${message.topic} partition ${message.partition} offset ${message.offset}): send it again uncompressed or smaller`;
    return {
      ok: false,
      rejection: { status: 400, code: 'REQUEST.UNREADABLE_BATCH', message: detail, errors: [{ path: '', message: detail }] },
    };
  }
  // A tombstone's value is null; JSON.parse of the empty buffer said only "Unexpected end of JSON input".
  if (message.raw?.value === null) return malformed('a null value (tombstone) is not a submission: send one envelope as JSON');
  let body: unknown;
  let text: string;
  try {
    text = UTF8.decode(message.value);
  } catch {
    return malformed('message value is not valid UTF-8');
  }
  try {
    body = JSON.parse(text);
  } catch (error) {
    return malformed(`message value is not valid JSON: ${(error as Error).message}`);
  }
  const repeated = duplicateKeyPath(text, body);
  if (repeated !== null) {
    const problem = problems.duplicateKey(repeated);
    return { ok: false, rejection: { status: 400, code: problem.code, message: problem.detail!, errors: problem.errors! } };
  }
  if (isBatch(body)) {
    const detail =
      'Kafka takes one envelope per message: a batch ({"events": [...]}) is for HTTP only (POST /v1/events); send each event as a message of its own';
    return {
      ok: false,
      rejection: { status: 400, code: 'REQUEST.INVALID', message: detail, errors: [{ path: 'events', message: detail }] },
    };
  }
  // Numbers JSON.parse read as another value are refused as the HTTP body parser has its routes refuse them.
  const valid = refusingInexactNumbers(validateSubmission(body), inexactNumbers(text));
  if (!valid.ok) {
    const replayOf = refusedSubmission(body, submissionIdFor(message));
    return {
      ok: false,
      rejection: { status: 400, code: 'REQUEST.INVALID', message: 'The submission does not match the schema.', errors: valid.errors },
      ...(replayOf ? { replayOf } : {}),
    };
  }
  const submission = { ...valid.value, id: valid.value.id ?? submissionIdFor(message) };
  const correlation = message.headers['correlation-id'];
  const causation = message.headers['causation-id'];
  return {
    ok: true,
    submission,
    meta: {
      // Without a correlation id the event id stands in: stable across redeliveries, unlike a random one.
      correlationId: correlation && TRACE_ID.test(correlation) ? correlation : submission.id.toLowerCase(),
      causationId: causation && TRACE_ID.test(causation) ? causation : null,
      actor: `kafka:${message.topic}`,
    },
  };
}

/** `{"events": [...]}` and nothing an envelope has: what POST /v1/events takes as a batch. */
const isBatch = (body: unknown): boolean =>
  typeof body === 'object' &&
  body !== null &&
  !Array.isArray(body) &&
  Array.isArray((body as { events?: unknown }).events) &&
  !('type' in body);
