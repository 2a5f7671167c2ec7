import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { PgEventStore } from '@newsroom/event-store';
import { AmendResult, amendEvent } from '../../write/amend-event';
import { EventWriter } from '../../write/event-writer';
import { retractionIntent } from '../../write/intents';
import { RetractEventCommand } from './retract-event.command';

@CommandHandler(RetractEventCommand)
export class RetractEventHandler implements ICommandHandler<RetractEventCommand, AmendResult> {
  constructor(
    private readonly store: PgEventStore,
    private readonly writer: EventWriter,
  ) {}

  execute({ targetEventId, request, meta, retractionId }: RetractEventCommand): Promise<AmendResult> {
    return amendEvent(this.store, this.writer, targetEventId, (subject) => retractionIntent(subject, targetEventId, request, retractionId), meta);
  }
}
