import { Command } from '@nestjs/cqrs';
import { SourceRequest } from '@newsroom/domain';
import { AmendResult } from '../shared/amend-event.util';
import { RequestMeta } from '../shared/write.types';

/** Attach another outlet's source to a recorded fact; `sourcingId` (the Idempotency-Key) makes a retry a duplicate. */
export class AttachSourceCommand extends Command<AmendResult> {
  constructor(
    readonly targetEventId: string,
    readonly request: SourceRequest,
    readonly meta: RequestMeta,
    readonly sourcingId?: string,
  ) {
    super();
  }
}
