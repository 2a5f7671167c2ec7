import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE } from '../../ingest.tokens';
import { IngestEventStore } from '../shared/event-store.port';
import { AmendmentReplay, ReplayAmendmentCommand } from './replay-amendment.command';

/**
 * Reads the event stored under the key, in one read by id: a duplicate when it was recorded from this content. A store
 * fault throws as a write's read does (503, retry), never the 400: whether it is a retry depends on what is stored.
 */
@CommandHandler(ReplayAmendmentCommand)
export class ReplayAmendmentHandler implements ICommandHandler<ReplayAmendmentCommand, AmendmentReplay | null> {
  constructor(@Inject(EVENT_STORE) private readonly store: IngestEventStore) {}

  async execute({ eventId, fingerprint }: ReplayAmendmentCommand): Promise<AmendmentReplay | null> {
    const stored = await this.store.findEvent(eventId);
    if (!stored || stored.contentHash !== fingerprint) return null;
    return { status: 'duplicate', event: stored };
  }
}
