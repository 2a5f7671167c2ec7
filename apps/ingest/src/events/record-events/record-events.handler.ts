import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EventWriter } from '../../write/event-writer';
import { recordIntent } from '../../write/intents';
import { WriteOutcome } from '../../write/write.types';
import { RecordEventsCommand } from './record-events.command';

@CommandHandler(RecordEventsCommand)
export class RecordEventsHandler implements ICommandHandler<RecordEventsCommand, WriteOutcome[]> {
  constructor(private readonly writer: EventWriter) {}

  execute({ submissions, meta, atomic, itemMeta }: RecordEventsCommand): Promise<WriteOutcome[]> {
    return this.writer.write(
      submissions.map((s, i) => recordIntent(s, itemMeta?.[i])),
      meta,
      atomic,
    );
  }
}
