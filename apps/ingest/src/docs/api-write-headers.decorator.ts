import { applyDecorators } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';

/** What a tracing id may be (the request logger's and the submissions consumer's pattern). */
const TRACE_ID_SCHEMA = { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$', maxLength: 128 } as const;

/**
 * The headers every write takes: `Idempotency-Key` (a UUID; `idempotency` says what it names for this operation) and
 * the two tracing ids, stored in the event's metadata and its Kafka headers. A tracing id outside its pattern is not
 * refused: the correlation id is made up instead (the answer's `X-Correlation-Id` says which one was kept) and the
 * causation id is left out.
 */
export function ApiWriteHeaders(idempotency: string) {
  return applyDecorators(
    ApiHeader({ name: 'Idempotency-Key', required: false, schema: { type: 'string', format: 'uuid' }, description: idempotency }),
    ApiHeader({
      name: 'X-Correlation-Id',
      required: false,
      schema: TRACE_ID_SCHEMA,
      description:
        "Stored as the events' metadata `correlationId` and in their Kafka headers; made up when absent or outside its pattern (the answer's `X-Correlation-Id` says the one kept)",
    }),
    ApiHeader({
      name: 'X-Causation-Id',
      required: false,
      schema: TRACE_ID_SCHEMA,
      description: "Stored as the events' metadata `causationId` and in their Kafka headers; left out when outside its pattern",
    }),
  );
}
