import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { PgEventStore } from '@newsroom/event-store';
import { AmendResult, amendEvent } from '../../write/amend-event';
import { EventWriter } from '../../write/event-writer';
import { correctionIntent } from '../../write/intents';
import { CorrectEventCommand } from './correct-event.command';

@CommandHandler(CorrectEventCommand)
export class CorrectEventHandler implements ICommandHandler<CorrectEventCommand, AmendResult> {
  constructor(
    private readonly store: PgEventStore,
    private readonly writer: EventWriter,
  ) {}

  execute({ targetEventId, request, meta, correctionId }: CorrectEventCommand): Promise<AmendResult> {
    return amendEvent(this.store, this.writer, targetEventId, (subject) => correctionIntent(subject, targetEventId, request, correctionId), meta);
  }
}
