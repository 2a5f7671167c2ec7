import { Command } from '@nestjs/cqrs';
import { Submission } from '@newsroom/domain';
import { RequestMeta, WriteOutcome } from '../shared/write.types';

/**
 * Record one or more story events; `atomic` makes it all or nothing. `itemMeta[i]`, when given, replaces
 * `meta` for submission i (a Kafka batch carries one correlation id per message).
 */
export class RecordEventsCommand extends Command<WriteOutcome[]> {
  constructor(
    readonly submissions: Submission[],
    readonly meta: RequestMeta,
    readonly atomic: boolean,
    readonly itemMeta?: RequestMeta[],
    /** Where the client's ids came from when not the body's `id` (an HTTP Idempotency-Key): a conflict names it. */
    readonly idField?: 'Idempotency-Key',
  ) {
    super();
  }
}
