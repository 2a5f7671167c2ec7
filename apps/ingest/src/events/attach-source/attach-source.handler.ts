import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { decideSourcing, SourceRequest } from '@newsroom/domain';
import { uuidv7 } from '@newsroom/platform';
import { EVENT_STORE } from '../../ingest.tokens';
import { AmendResult, amendEvent, amendmentFingerprint } from '../shared/amend-event.util';
import { IngestEventStore } from '../shared/event-store.port';
import { EventWriter, WriteIntent } from '../shared/event-writer.service';
import { normaliseId } from '../shared/intents.mapper';
import { AttachSourceCommand } from './attach-source.command';

/**
 * An attached source goes into the target's stream as an event.sourced, like a correction: its id is the
 * Idempotency-Key when given, bound to the target and the request (retry: duplicate; other content: conflict).
 */
@CommandHandler(AttachSourceCommand)
export class AttachSourceHandler implements ICommandHandler<AttachSourceCommand, AmendResult> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: IngestEventStore,
    private readonly writer: EventWriter,
  ) {}

  execute({ targetEventId, request, meta, sourcingId }: AttachSourceCommand): Promise<AmendResult> {
    return amendEvent(
      this.store,
      this.writer,
      targetEventId,
      (subject) => sourcingIntent(subject, targetEventId, request, sourcingId),
      meta,
    );
  }
}

function sourcingIntent(subject: string, targetEventId: string, req: SourceRequest, id?: string): WriteIntent {
  return {
    eventId: normaliseId(id) ?? uuidv7(),
    idFromClient: id !== undefined,
    idField: 'Idempotency-Key',
    contentHash: amendmentFingerprint('sourcing', targetEventId, req),
    subject,
    namedEvents: [targetEventId],
    decide: (state, now) => decideSourcing(state, targetEventId, req, now),
  };
}
