import { FieldError } from '@newsroom/domain';

/** Who asked and why: stored in each event's metadata and carried into Kafka headers and logs. */
export interface RequestMeta {
  correlationId: string;
  causationId: string | null;
  actor: string;
  /** Set for HTTP requests, which log their own line as they end: the writer's line then goes to debug. */
  requestLogged?: boolean;
}

export interface WriteRejection {
  status: number;
  code: string;
  message: string;
  errors?: FieldError[];
}

export type WriteOutcome =
  | { status: 'created' | 'duplicate'; eventId: string; globalPosition: string; streamVersion: number; recordedAt: string }
  | { status: 'rejected'; eventId: string | null; error: WriteRejection };

/** The answer to a retry of an event already stored: a duplicate, with the stored event's place in the log. */
export type DuplicateOutcome = Extract<WriteOutcome, { globalPosition: string }> & { status: 'duplicate' };

/**
 * A submission today's validation refuses, under the id a retry names its event by, with the fingerprints an earlier
 * release would have recorded it under had it taken it. Looked up (EventWriter.storedReplays) only once refused, so a
 * valid submission never pays for it.
 */
export interface RefusedSubmission {
  eventId: string;
  fingerprints: string[];
}
