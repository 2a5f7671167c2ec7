import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CorrectionRequest, decideCorrection } from '@newsroom/domain';
import { canonicalJson, StoredEvent } from '@newsroom/event-store';
import { uuidv7 } from '@newsroom/platform';
import { EVENT_STORE } from '../../ingest.tokens';
import { AmendResult, amendEvent, amendmentFingerprint } from '../shared/amend-event.util';
import { IngestEventStore } from '../shared/event-store.port';
import { EventWriter, WriteIntent } from '../shared/event-writer.service';
import { normaliseId } from '../shared/intents.mapper';
import { CorrectEventCommand } from './correct-event.command';

/**
 * A correction goes into the target's stream; its id is the Idempotency-Key when given, bound to the target and
 * the request, so a retry is a duplicate and another request under the same key is a conflict.
 */
@CommandHandler(CorrectEventCommand)
export class CorrectEventHandler implements ICommandHandler<CorrectEventCommand, AmendResult> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: IngestEventStore,
    private readonly writer: EventWriter,
  ) {}

  execute({ targetEventId, request, meta, correctionId }: CorrectEventCommand): Promise<AmendResult> {
    return amendEvent(
      this.store,
      this.writer,
      targetEventId,
      (subject) => correctionIntent(subject, targetEventId, request, correctionId),
      meta,
    );
  }
}

function correctionIntent(subject: string, targetEventId: string, req: CorrectionRequest, id?: string): WriteIntent {
  return {
    eventId: normaliseId(id) ?? uuidv7(),
    idFromClient: id !== undefined,
    idField: 'Idempotency-Key',
    contentHash: amendmentFingerprint('correction', targetEventId, req),
    sameContentAs: (stored) => isThisCorrection(stored, targetEventId, req),
    subject,
    namedEvents: [targetEventId],
    decide: (state, now) => decideCorrection(state, targetEventId, req, now),
  };
}

/** Text compared as stored text is kept: trimmed, runs of spaces joined (one line's spaces are stored joined). */
const spacesJoined = (v: unknown): unknown =>
  typeof v === 'string'
    ? v.trim().replace(/\s+/g, ' ')
    : Array.isArray(v)
      ? v.map(spacesJoined)
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, spacesJoined(x)]))
        : v;

/**
 * Whether the correction stored under this key is this request, its text as stored: the fingerprint is of the
 * patch as sent, while its text is stored trimmed with one line's spaces joined, so a retry built from what was read
 * back (`"Chief Technology Officer"` for `" Chief  Technology Officer "`) is the same correction, not a 409 (t20), as a
 * retried event is. Asked only when the fingerprints differ.
 */
function isThisCorrection(stored: StoredEvent, targetEventId: string, req: CorrectionRequest): boolean {
  if (stored.type !== 'event.corrected') return false;
  const data = stored.data as { targetEventId?: string; changes?: unknown; reason?: unknown };
  if (data.targetEventId !== targetEventId) return false;
  const asStored = { changes: data.changes, reason: data.reason, sources: stored.sources ?? [] };
  const asSent = { changes: req.changes, reason: req.reason, sources: req.sources ?? [] };
  return canonicalJson(spacesJoined(asStored)) === canonicalJson(spacesJoined(asSent));
}
