import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EventWriter } from '../shared/event-writer.service';
import { recordIntent } from '../shared/intents.mapper';
import { WriteOutcome } from '../shared/write.types';
import { RecordEventsCommand } from './record-events.command';

/** Records validated submissions (one HTTP event, a Kafka chunk): one outcome per submission, in order. */
@CommandHandler(RecordEventsCommand)
export class RecordEventsHandler implements ICommandHandler<RecordEventsCommand, WriteOutcome[]> {
  constructor(private readonly writer: EventWriter) {}

  execute({ submissions, meta, atomic, itemMeta, idField }: RecordEventsCommand): Promise<WriteOutcome[]> {
    return this.writer.write(
      submissions.map((s, i) => {
        const intent = recordIntent(s, itemMeta?.[i]);
        if (idField) intent.idField = idField;
        return intent;
      }),
      meta,
      atomic,
    );
  }
}
