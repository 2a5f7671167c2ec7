import { ProblemError } from '@newsroom/platform';
import { WriteOutcome, WriteRejection } from './write.types';

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
