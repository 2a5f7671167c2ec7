import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from '@newsroom/platform';
import { ALLOW_HEADER, RATE_LIMIT_HEADERS, RETRY_AFTER_HEADER, WWW_AUTHENTICATE_HEADER } from './responses.schema';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request (malformed JSON, schema errors with field paths)',
  401: 'No API key, or one the service does not know',
  403: 'The key lacks the needed scope',
  404: 'Not found',
  405: 'A method this path does not take; Allow names those it does',
  409: 'Conflict: expectedVersion mismatch, or an id / Idempotency-Key reused with other content',
  413: 'Body larger than INGEST_BODY_LIMIT',
  415: 'A body that is not application/json (or application/*+json), in another charset, or compressed',
  422: 'A rule refused it',
  429: "Over the key's write rate (INGEST_WRITE_RATE_PER_KEY, INGEST_WRITE_BURST_PER_KEY); Retry-After says when to send again",
  431: 'Request line and headers over their limit (16 KiB)',
  503: 'The event store is unavailable, timed out or too busy, or other writers kept the stream busy; Retry-After says when to retry',
};

/** The codes every operation may meet at a status, whatever it does. */
const COMMON_CODES: Record<number, readonly string[]> = {
  400: ['REQUEST.INVALID'],
  401: ['AUTH.KEY_REQUIRED', 'AUTH.KEY_INVALID'],
  403: ['AUTH.SCOPE_MISSING'],
  405: ['REQUEST.METHOD_NOT_ALLOWED'],
  413: ['REQUEST.TOO_LARGE'],
  415: ['REQUEST.UNSUPPORTED_MEDIA_TYPE'],
  429: ['RATE_LIMITED'],
  431: ['REQUEST.HEADERS_TOO_LARGE'],
};

/** A read's 503 (it records nothing either way). */
const READ_UNAVAILABLE = ['SERVICE.UNAVAILABLE', 'SERVICE.STARTING', 'STORE.TIMEOUT'];
/** A write's 503: `recorded` says whether anything was. */
const WRITE_UNAVAILABLE = ['SERVICE.UNAVAILABLE', 'SERVICE.STARTING', 'STORE.BUSY', 'STORE.TIMEOUT', 'STREAM.CONTENDED'];

/** An operation's problems: each status it answers with, and the codes of that status it adds to the common ones. */
export type ProblemCodes = Partial<Record<number, readonly string[]>>;

/**
 * The problems of recording events (POST /v1/events, one or a batch, and POST /v1/stories): the envelope's, the
 * stream's and the case rules'. A story adds BATCH.NOT_RECORDED (its other events, when one is refused).
 */
export const RECORDING_PROBLEMS = {
  400: ['REQUEST.MALFORMED_JSON', 'VALIDATION.FAILED', 'EVENT.UNKNOWN_TYPE', 'STREAM.SUBJECT_MISMATCH'],
  401: [],
  403: [],
  409: ['EVENT.ID_CONFLICT', 'STREAM.VERSION_MISMATCH'],
  413: ['EVENT.TOO_LARGE'],
  422: ['CASE.NOT_FILED', 'CASE.CLOSED', 'CASE.ALREADY_FILED', 'CASE.STEP_BEFORE_FILING', 'EVENT.TYPE_NOT_RECORDABLE', 'STORE.REJECTED'],
} as const satisfies ProblemCodes;

/**
 * Documents the given statuses as application/problem+json responses (the Problem schema is added at build), each
 * naming the `code` values this operation answers with at that status. A write (one that takes a body: 413 listed)
 * may also meet 415 and the per-key rate limit's 429; every endpoint 405 (another method, with Allow), 431 and 503
 * (SERVICE.STARTING while it starts). 429 and 503 declare Retry-After.
 */
export function ApiProblems(codes: ProblemCodes) {
  const statuses = Object.keys(codes).map(Number);
  const write = statuses.includes(413);
  const all: ProblemCodes = {
    ...codes,
    ...(write ? { 415: [], 429: [] } : {}),
    405: [],
    431: [],
    503: write ? WRITE_UNAVAILABLE : READ_UNAVAILABLE,
  };
  return applyDecorators(
    ...Object.keys(all)
      .map(Number)
      .sort((a, b) => a - b)
      .map((status) => {
        const listed = [...new Set([...(COMMON_CODES[status] ?? []), ...(all[status] ?? [])])];
        // A write's answer once the rate limit counted it (after the key's check, before the body is judged by the
        // route) carries RateLimit-*; a body refused while it is read (413, 415, malformed JSON) may not, nor a
        // method no route takes (405: no route, no limit).
        const counted = write && ![401, 403, 405, 413, 415].includes(status) ? RATE_LIMIT_HEADERS : {};
        const headers = {
          ...counted,
          ...(status === 429 || status === 503 ? RETRY_AFTER_HEADER : {}),
          ...(status === 401 ? WWW_AUTHENTICATE_HEADER : {}),
          ...(status === 405 ? ALLOW_HEADER : {}),
        };
        return ApiResponse({
          status,
          description: `${DESCRIPTIONS[status] ?? 'Problem'}. \`code\`: ${listed.join(', ')}.`,
          // The shared schema, its `code` narrowed to those listed (allOf: OpenAPI 3.0 ignores a $ref's siblings).
          content: {
            [PROBLEM_CONTENT_TYPE]: {
              schema: {
                allOf: [
                  { $ref: '#/components/schemas/Problem' },
                  { type: 'object', properties: { code: { type: 'string', enum: listed } } },
                ],
              },
            },
          },
          ...(Object.keys(headers).length ? { headers } : {}),
        });
      }),
  );
}
