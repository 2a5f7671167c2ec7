import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from '@newsroom/platform';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request (malformed JSON, schema errors with field paths)',
  401: 'No API key',
  403: 'The key lacks the needed scope',
  404: 'Not found',
  409: 'Conflict: expectedVersion mismatch, or an id / Idempotency-Key reused with other content',
  413: 'Body larger than INGEST_BODY_LIMIT',
  415: 'A body that is not application/json (or application/*+json), in another charset, or compressed',
  422: 'A rule refused it (e.g. CASE.NOT_FILED, EVENT.RETRACTED)',
  429: "Over the key's write rate (INGEST_WRITE_RATE_PER_KEY, INGEST_WRITE_BURST_PER_KEY); Retry-After says when to send again",
  503: 'The event store is unavailable, timed out or too busy (STORE.BUSY, STORE.TIMEOUT), or other writers kept the stream busy (STREAM.CONTENDED); Retry-After says when to retry. `recorded`: false when nothing was recorded, "unknown" when a retry with the same ids must tell',
};

/**
 * Documents the given statuses as application/problem+json responses (the Problem schema is added at build). A write
 * (one that takes a body: 413 listed) may also meet 415 and the per-key rate limit's 429; every endpoint 503.
 */
export function ApiProblems(...statuses: number[]) {
  const body = statuses.includes(413) ? [415, 429] : [];
  return applyDecorators(
    ...[...new Set([...statuses, ...body, 503])]
      .sort((a, b) => a - b)
      .map((status) =>
        ApiResponse({
          status,
          description: DESCRIPTIONS[status] ?? 'Problem',
          content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } },
        }),
      ),
  );
}
