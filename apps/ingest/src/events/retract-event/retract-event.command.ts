import { Command } from '@nestjs/cqrs';
import { RetractionRequest } from '@newsroom/domain';
import { AmendResult } from '../shared/amend-event.util';
import { RequestMeta } from '../shared/write.types';

/** Retract a recorded event; `retractionId` (the Idempotency-Key) makes a retried request a duplicate. */
export class RetractEventCommand extends Command<AmendResult> {
  constructor(
    readonly targetEventId: string,
    readonly request: RetractionRequest,
    readonly meta: RequestMeta,
    readonly retractionId?: string,
  ) {
    super();
  }
}
