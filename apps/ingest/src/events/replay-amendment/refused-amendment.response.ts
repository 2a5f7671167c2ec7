import { FieldError } from '@newsroom/domain';
import { problems } from '@newsroom/platform';
import type { IngestReply } from '../../http/http.types';
import { amendedBody } from '../../http/outcome.response';
import { namedIdempotencyKey } from '../../http/path-params.util';
import { WriteCommands } from '../../http/write-deadline.service';
import { AmendmentKind, amendmentFingerprint } from '../shared/amend-event.util';
import { ReplayAmendmentCommand } from './replay-amendment.command';

/** An amendment request today's validation refused: what it amends, its body as sent, its key header, the errors. */
export interface RefusedAmendment {
  kind: AmendmentKind;
  target: string;
  body: unknown;
  /** The Idempotency-Key header as sent. */
  key: string | undefined;
  errors: FieldError[];
}

/**
 * The answer to an amendment today's validation refuses. Sent with the Idempotency-Key of an amendment an earlier
 * release recorded from this very body (a source URL with a bidi control, taken before they were refused), it is a
 * retry: 200 `duplicate` with the stored event and its Location, the answer any retry of an amendment gets. Otherwise
 * (no key, a key nothing is stored under, another body under it) the 400 with its field errors stands. Only a refused
 * request reads this; a key that is not a UUID names no event, and the body's errors come first as before.
 */
export async function refusedAmendmentAnswer(commands: WriteCommands, res: IngestReply, refused: RefusedAmendment) {
  const key = namedIdempotencyKey(refused.key);
  const fingerprint = key === undefined ? undefined : sentFingerprint(refused);
  const replay = key && fingerprint ? await commands.execute(new ReplayAmendmentCommand(key, fingerprint)) : null;
  if (!replay) throw problems.validation(refused.errors);
  return amendedBody(replay, res);
}

/** The fingerprint of the body as sent; none for a body no release took (not an object) or nested past any stack. */
function sentFingerprint({ kind, target, body }: RefusedAmendment): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  try {
    return amendmentFingerprint(kind, target, body);
  } catch {
    return undefined;
  }
}
