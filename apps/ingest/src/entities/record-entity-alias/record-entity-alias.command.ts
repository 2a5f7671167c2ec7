import { Command } from '@nestjs/cqrs';
import { EntityAliasRequest } from '@newsroom/domain';
import { AmendResult } from '../../events/shared/amend-event.util';
import { RequestMeta } from '../../events/shared/write.types';

/**
 * Record (or, with `removal`, reverse) that `request.subject` is the same entity as `subject`, or that
 * `request.name` is one of its display names. `aliasId` (the Idempotency-Key) makes a retry a duplicate.
 */
export class RecordEntityAliasCommand extends Command<AmendResult> {
  constructor(
    readonly subject: string,
    readonly request: EntityAliasRequest,
    readonly removal: boolean,
    readonly meta: RequestMeta,
    readonly aliasId?: string,
  ) {
    super();
  }
}
