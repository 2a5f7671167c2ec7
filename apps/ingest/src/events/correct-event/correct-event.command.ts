import { Command } from '@nestjs/cqrs';
import { CorrectionRequest } from '@newsroom/domain';
import { AmendResult } from '../shared/amend-event.util';
import { RequestMeta } from '../shared/write.types';

/** Correct a recorded event; `correctionId` (the Idempotency-Key) makes a retried request a duplicate. */
export class CorrectEventCommand extends Command<AmendResult> {
  constructor(
    readonly targetEventId: string,
    readonly request: CorrectionRequest,
    readonly meta: RequestMeta,
    readonly correctionId?: string,
  ) {
    super();
  }
}
