import type { Command } from '@nestjs/cqrs';
import type { Validation } from '@newsroom/domain';
import type { IngestReply, IngestRequest } from '../../http/http.types';
import { amendedBody } from '../../http/outcome.response';
import { eventIdParam, idempotencyKey } from '../../http/path-params.util';
import { requestMeta } from '../../http/request-meta.util';
import { WriteCommands } from '../../http/write-deadline.service';
import type { AmendmentKind, AmendResult } from '../shared/amend-event.util';
import type { RequestMeta } from '../shared/write.types';
import { refusingInexactNumbers } from '../shared/inexact-numbers.util';
import { refusedAmendmentAnswer } from './refused-amendment.response';

/** What one amendment endpoint (a correction, a retraction, a story attached) does with its own request. */
export interface AmendmentRoute<T> {
  kind: AmendmentKind;
  validate: (body: unknown) => Validation<T>;
  command: (targetId: string, request: T, meta: RequestMeta, key: string | undefined) => Command<AmendResult>;
}

/** The request as `POST /v1/events/{id}/<amendment>` received it. */
export interface AmendmentRequest {
  id: string;
  key: string | undefined;
  body: unknown;
  req: IngestRequest;
  res: IngestReply;
}

/**
 * The answer to an amendment request, the same for every kind: the path's id checked, the body validated (numbers
 * JSON read as another value refused too), and, refused today, perhaps the retry of one an earlier release recorded
 * (refusedAmendmentAnswer); else its command run and the amended event answered.
 */
export async function answerAmendment<T>(commands: WriteCommands, route: AmendmentRoute<T>, request: AmendmentRequest) {
  const { id, key, body, req, res } = request;
  const targetId = eventIdParam(id);
  const valid = refusingInexactNumbers(route.validate(body), req.inexactNumbers);
  if (!valid.ok) return refusedAmendmentAnswer(commands, res, { kind: route.kind, target: targetId, body, key, errors: valid.errors });
  const result = await commands.execute(route.command(targetId, valid.value, requestMeta(req), idempotencyKey(key)));
  return amendedBody(result, res);
}
