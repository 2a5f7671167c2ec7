import { z } from 'zod';
import { correctionChangesSchema, type CorrectionChanges } from '../events/event-corrected.event';
import { sourcesSchema, type Source } from '../values/source.value';
import { textSchema } from '../values/text.value';
import { runInputSchema } from '../validation/storable-text.rules';
import type { Validation } from '../validation/validation.types';
import { isPlainObject } from './envelope.schema';

/** Body of POST /v1/events/{id}/corrections; `changes.data` is checked against the target later, in the decider. */
export const correctionRequestSchema = z.strictObject({
  changes: correctionChangesSchema,
  reason: textSchema,
  sources: sourcesSchema.optional(),
});

export interface CorrectionRequest {
  changes: CorrectionChanges;
  reason: string;
  sources?: Source[];
}

export function validateCorrectionRequest(input: unknown): Validation<CorrectionRequest> {
  if (!isPlainObject(input)) return { ok: false, errors: [{ path: '', message: 'must be a JSON object' }] };
  return runInputSchema<CorrectionRequest>(correctionRequestSchema, input);
}
