import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EventWriter } from '../shared/event-writer.service';
import { DuplicateOutcome } from '../shared/write.types';
import { ReplayRefusedCommand } from './replay-refused.command';

/** Looks the refused submissions' ids up in one read (EventWriter.storedReplays). */
@CommandHandler(ReplayRefusedCommand)
export class ReplayRefusedHandler implements ICommandHandler<ReplayRefusedCommand, Array<DuplicateOutcome | null>> {
  constructor(private readonly writer: EventWriter) {}

  execute({ refused }: ReplayRefusedCommand): Promise<Array<DuplicateOutcome | null>> {
    return this.writer.storedReplays(refused);
  }
}
