import type { IngestReply } from './http.types';
import { ProblemError } from '@newsroom/platform';
import { EventView, toEventView } from '../read/event-view.mapper';
import { AmendResult } from '../events/shared/amend-event.util';
import { WriteOutcome, WriteRejection } from '../events/shared/write.types';

export function rejectionProblem(r: WriteRejection, pathPrefix = ''): ProblemError {
  const errors = (r.errors ?? [{ path: '', message: r.message }]).map((e) => ({
    path: pathPrefix ? (e.path ? `${pathPrefix}.${e.path}` : pathPrefix) : e.path,
    message: e.message,
  }));
  return new ProblemError(r.status, r.code, titleOf(r.status), r.message, errors);
}

function titleOf(status: number): string {
  return status === 409 ? 'Conflict' : status === 404 ? 'Not found' : status === 422 ? 'Rule violated' : 'Invalid request';
}

/** The body answered for a recorded (or already recorded) event. */
export function recordedBody(o: Extract<WriteOutcome, { eventId: string; globalPosition: string }>, subject?: string) {
  return {
    id: o.eventId,
    status: o.status,
    ...(subject ? { subject } : {}),
    streamVersion: o.streamVersion,
    globalPosition: o.globalPosition,
    recordedAt: o.recordedAt,
  };
}

/** 201 with the new correction or retraction event, 200 with it when the Idempotency-Key was already used for it. */
export function amendedBody(result: AmendResult, res: IngestReply): EventView & { status: 'created' | 'duplicate' } {
  if (result.status === 'rejected') throw rejectionProblem(result.error);
  res.status(result.status === 'created' ? 201 : 200).header('Location', `/v1/events/${result.event.eventId}`);
  return { ...toEventView(result.event), status: result.status };
}
