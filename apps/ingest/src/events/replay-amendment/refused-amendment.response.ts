import { FieldError } from '@newsroom/domain';
import { problems } from '@newsroom/platform';
import type { IngestReply } from '../../http/http.types';
import { amendedBody } from '../../http/outcome.response';
import { namedIdempotencyKey } from '../../http/path-params.util';
import { WriteCommands } from '../../http/write-deadline.service';
import { AmendmentKind, amendmentFingerprint } from '../shared/amend-event.util';
import { ReplayAmendmentCommand } from './replay-amendment.command';

/** An amendment request today's validation refused: what it amends, its body as sent, its key header, the errors. */
export interface RefusedAmendment extends RefusedWrite {
  kind: AmendmentKind;
  target: string;
}

/**
 * The answer to an amendment today's validation refuses. Sent with the Idempotency-Key of an amendment an earlier
 * release recorded from this very body (a source URL with a bidi control, taken before they were refused), it is a
 * retry: 200 `duplicate` with the stored event and its Location, the answer any retry of an amendment gets. Otherwise
 * (no key, a key nothing is stored under, another body under it) the 400 with its field errors stands. Only a refused
 * request reads this; a key that is not a UUID names no event, and the body's errors come first as before.
 */
export async function refusedAmendmentAnswer(commands: WriteCommands, res: IngestReply, refused: RefusedAmendment) {
  const { kind, target } = refused;
  return refusedRetryAnswer(commands, res, refused, (body) => amendmentFingerprint(kind, target, body));
}

/** A write request today's validation refused, as any write endpoint with an Idempotency-Key has it. */
export interface RefusedWrite {
  body: unknown;
  /** The Idempotency-Key header as sent. */
  key: string | undefined;
  errors: FieldError[];
}

/**
 * The answer to any keyed write today's validation refuses (an amendment, a conflict's resolution, an entity's alias):
 * 200 `duplicate` with the stored event when an earlier release recorded this very body under the key, which
 * `fingerprintOf` takes as that write's handler took it of the request it recorded; else the 400 stands.
 */
export async function refusedRetryAnswer(
  commands: WriteCommands,
  res: IngestReply,
  refused: RefusedWrite,
  fingerprintOf: (body: object) => string,
) {
  const key = namedIdempotencyKey(refused.key);
  const fingerprint = key === undefined ? undefined : sentFingerprint(refused.body, fingerprintOf);
  const replay = key && fingerprint ? await commands.execute(new ReplayAmendmentCommand(key, fingerprint)) : null;
  if (!replay) throw problems.validation(refused.errors);
  return amendedBody(replay, res);
}

/** The fingerprint of the body as sent; none for a body no release took (not an object) or nested past any stack. */
function sentFingerprint(body: unknown, fingerprintOf: (body: object) => string): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  try {
    return fingerprintOf(body);
  } catch {
    return undefined;
  }
}
