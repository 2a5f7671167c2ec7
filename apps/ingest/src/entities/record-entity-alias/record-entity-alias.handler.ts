import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { decideAliasName, decideMerge, decideUnmerge } from '@newsroom/domain';
import { contentHash } from '@newsroom/event-store';
import { uuidv7 } from '@newsroom/platform';
import { EVENT_STORE } from '../../ingest.tokens';
import { AmendResult } from '../../events/shared/amend-event.util';
import { IngestEventStore } from '../../events/shared/event-store.port';
import { EventWriter, WriteIntent } from '../../events/shared/event-writer.service';
import { normaliseId } from '../../events/shared/intents.mapper';
import { RecordEntityAliasCommand } from './record-entity-alias.command';

/**
 * A merge (and its reversal) goes into the stream of the subject merged away; an alias name into the entity's own
 * stream. A merge also reads the canonical subject's stream: a subject merged elsewhere cannot take merges (no
 * chain closes a cycle). Two merges racing in opposite directions both pass here; the entity links read model
 * applies them in log order and ignores the one that would close a cycle.
 */
@CommandHandler(RecordEntityAliasCommand)
export class RecordEntityAliasHandler implements ICommandHandler<RecordEntityAliasCommand, AmendResult> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: IngestEventStore,
    private readonly writer: EventWriter,
  ) {}

  async execute(command: RecordEntityAliasCommand): Promise<AmendResult> {
    const intent = await this.intentFor(command);
    const [outcome] = await this.writer.write([intent], command.meta, true);
    if (outcome.status === 'rejected') return { status: 'rejected', error: outcome.error };
    const event = await this.store.findEvent(outcome.eventId);
    if (!event) throw new Error(`event ${outcome.eventId} was recorded but cannot be read back`);
    return { status: outcome.status, event };
  }

  private async intentFor({ subject, request, removal, aliasId }: RecordEntityAliasCommand): Promise<WriteIntent> {
    const base = {
      eventId: normaliseId(aliasId) ?? uuidv7(),
      idFromClient: aliasId !== undefined,
      idField: 'Idempotency-Key' as const,
      contentHash: aliasFingerprint(subject, request, removal),
    };
    if (request.name !== undefined) {
      const name = request.name;
      return { ...base, subject, decide: (state) => decideAliasName(state, name, removal, request.reason) };
    }
    const alias = request.subject;
    if (removal) return { ...base, subject: alias, decide: (state) => decideUnmerge(state, subject, request.reason) };
    // Its kept state (mergedInto reads what the state keeps), not its whole stream: a canonical subject is often a busy one.
    const canonical = await this.writer.currentState(subject);
    return { ...base, subject: alias, decide: (state) => decideMerge(state, canonical, request.reason) };
  }
}

/**
 * The content an alias's (or its removal's) Idempotency-Key is bound to: the subject in the path and the request. Taken
 * of the validated request when it is recorded, and of the body as sent when today's validation refuses it
 * (refusedRetryAnswer): the form an earlier release hashed when it took that body.
 */
export function aliasFingerprint(subject: string, request: object, removal: boolean): string {
  return contentHash({ kind: removal ? 'entity-alias-removal' : 'entity-alias', subject, request });
}
