import { Command } from '@nestjs/cqrs';
import { ResolutionRequest } from '@newsroom/domain';
import { AmendResult } from '../../events/shared/amend-event.util';
import { RequestMeta } from '../../events/shared/write.types';

/** An editor records which side of a conflict stands; `resolutionId` (the Idempotency-Key) makes a retry a duplicate. */
export class ResolveConflictCommand extends Command<AmendResult> {
  constructor(
    readonly conflictId: string,
    readonly request: ResolutionRequest,
    readonly meta: RequestMeta,
    readonly resolutionId?: string,
  ) {
    super();
  }
}
