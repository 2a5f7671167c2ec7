import { z } from 'zod';
import { textSchema } from '../values/text.value';
import { runInputSchema } from '../validation/storable-text.rules';
import type { Validation } from '../validation/validation.types';
import { isPlainObject } from './envelope.schema';

/** Body of POST /v1/conflicts/{id}/resolution: which side stands, and why. */
export const resolutionRequestSchema = z.strictObject({
  standingEventId: z.uuid('must be a UUID').meta({ description: 'The fact (one of the two sides) that stands' }),
  reason: textSchema.meta({ description: 'Why this side stands' }),
});

export interface ResolutionRequest {
  standingEventId: string;
  reason: string;
}

export function validateResolutionRequest(input: unknown): Validation<ResolutionRequest> {
  if (!isPlainObject(input)) return { ok: false, errors: [{ path: '', message: 'must be a JSON object' }] };
  return runInputSchema<ResolutionRequest>(resolutionRequestSchema, input);
}
