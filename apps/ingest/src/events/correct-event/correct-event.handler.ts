import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CorrectionRequest, decideCorrection } from '@newsroom/domain';
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
    subject,
    namedEvents: [targetEventId],
    decide: (state, now) => decideCorrection(state, targetEventId, req, now),
  };
}
