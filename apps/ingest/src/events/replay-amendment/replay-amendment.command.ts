import { Command } from '@nestjs/cqrs';
import { StoredEvent } from '@newsroom/event-store';

/** The answer to a retry of a stored amendment: the stored event, as any duplicate amendment is answered. */
export interface AmendmentReplay {
  status: 'duplicate';
  event: StoredEvent;
}

/**
 * An amendment today's validation refuses, sent with an Idempotency-Key (`eventId`): the duplicate answer when an
 * earlier release recorded that very request under the key (`fingerprint`, of the body as sent), as a retry across an
 * upgrade; else null, and the refusal stands.
 */
export class ReplayAmendmentCommand extends Command<AmendmentReplay | null> {
  constructor(
    readonly eventId: string,
    readonly fingerprint: string,
  ) {
    super();
  }
}
