import { contentId } from '../ingest/ndjson.reader';

/**
 * The Idempotency-Key `newsroom resolve` sends without `--idempotency-key`: a name-based UUID (version 5, as `ingest`
 * names an envelope without an id) of the conflict, the side that stands and the reason, so running the same command
 * again (a lost answer, a script re-run) answers the resolution already recorded as a duplicate instead of recording
 * a second, identical one. Ids in lower case and the reason trimmed, as the service keeps them (`"  race "` is the
 * reason `"race"`: the same resolution).
 */
export function resolutionKey(conflictId: string, standingEventId: string, reason: string): string {
  return contentId({
    kind: 'conflict.resolved',
    conflictId: conflictId.trim().toLowerCase(),
    standingEventId: standingEventId.trim().toLowerCase(),
    reason: reason.trim(),
  });
}
