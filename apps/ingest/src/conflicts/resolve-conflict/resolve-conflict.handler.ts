import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CONFLICT_ID_NAMESPACE, decideResolution, DOMAIN_ERROR_CODES, DomainError, ResolutionRequest } from '@newsroom/domain';
import { contentHash } from '@newsroom/event-store';
import { uuidv5, uuidv7 } from '@newsroom/platform';
import { EVENT_STORE } from '../../ingest.tokens';
import { AmendResult } from '../../events/shared/amend-event.util';
import { IngestEventStore } from '../../events/shared/event-store.port';
import { EventWriter, WriteIntent } from '../../events/shared/event-writer.service';
import { normaliseId } from '../../events/shared/intents.mapper';
import { ResolveConflictCommand } from './resolve-conflict.command';

/** A conflict's id from its name, as the conflicts read model makes it. */
const idOf = (name: string) => uuidv5(name, CONFLICT_ID_NAMESPACE);

/**
 * The resolution goes into the stream of the conflict's facts (both sides are in one stream), found through the
 * side named as standing. The decider folds that stream and checks the conflict stands now and the side is one of
 * its two. Its id is the Idempotency-Key when given, bound to the conflict and the request.
 */
@CommandHandler(ResolveConflictCommand)
export class ResolveConflictHandler implements ICommandHandler<ResolveConflictCommand, AmendResult> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: IngestEventStore,
    private readonly writer: EventWriter,
  ) {}

  async execute({ conflictId, request, meta, resolutionId }: ResolveConflictCommand): Promise<AmendResult> {
    const standing = await this.store.findEvent(request.standingEventId);
    if (!standing) {
      throw new DomainError(DOMAIN_ERROR_CODES.EVENT_NOT_FOUND, 'not_found', `no event has id ${request.standingEventId}`, [
        { path: 'standingEventId', message: 'no event has this id' },
      ]);
    }
    const [outcome] = await this.writer.write([resolutionIntent(standing.streamId, conflictId, request, resolutionId)], meta, true);
    if (outcome.status === 'rejected') return { status: 'rejected', error: outcome.error };
    const event = await this.store.findEvent(outcome.eventId);
    if (!event) throw new Error(`event ${outcome.eventId} was recorded but cannot be read back`);
    return { status: outcome.status, event };
  }
}

/**
 * The content a resolution's Idempotency-Key is bound to: the conflict and the request (its standingEventId in lower
 * case). Taken of the validated request when it is recorded, and of the body as sent when today's validation refuses
 * it (refusedRetryAnswer): the form an earlier release hashed when it took that body.
 */
export function resolutionFingerprint(conflictId: string, req: object): string {
  return contentHash({ kind: 'resolution', conflictId, req });
}

function resolutionIntent(subject: string, conflictId: string, req: ResolutionRequest, id?: string): WriteIntent {
  return {
    eventId: normaliseId(id) ?? uuidv7(),
    idFromClient: id !== undefined,
    idField: 'Idempotency-Key',
    contentHash: resolutionFingerprint(conflictId, req),
    subject,
    // The decider looks through every standing fact of the stream for the disagreeing pair: the kept state has none.
    wholeStream: true,
    decide: (state) => decideResolution(state, conflictId, req, idOf),
  };
}
