import { Command } from '@nestjs/cqrs';
import { RefusedSubmission } from '../shared/write.types';
import { DuplicateOutcome } from '../shared/write.types';

/**
 * Submissions today's validation refused, each naming its event: for each, the duplicate answer when an earlier
 * release recorded that very content under its id (a retry across an upgrade), else null (the refusal stands).
 */
export class ReplayRefusedCommand extends Command<Array<DuplicateOutcome | null>> {
  constructor(readonly refused: RefusedSubmission[]) {
    super();
  }
}
