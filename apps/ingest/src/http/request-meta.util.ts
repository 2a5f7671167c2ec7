import { textOf } from '@newsroom/domain';
import type { IngestRequest } from './http.types';
import { RequestMeta } from '../events/shared/write.types';

const ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Correlation id: the one the request logger assigned (the client's X-Correlation-Id or a new one); causation: X-Causation-Id. */
export function requestMeta(req: IngestRequest): RequestMeta {
  const causation = req.headers['x-causation-id'];
  return {
    correlationId: textOf(req.id),
    causationId: typeof causation === 'string' && ID.test(causation) ? causation : null,
    actor: req.actor ?? 'anonymous',
    requestLogged: true,
  };
}
